-- Hold and rescan: a young account's borderline message is accepted into state 'held' with next_attempt_at as the time
-- its hold ends; whichever node delivers rescans it then and moves it to 'queued' or 'quarantined'. A node that claims
-- a held message for its rescan pushes next_attempt_at forward by a lease, so a node that dies mid-rescan leaves it due again.
ALTER TABLE messages DROP CONSTRAINT messages_state_check;
ALTER TABLE messages ADD CONSTRAINT messages_state_check
    CHECK (state IN ('queued', 'held', 'delivering', 'delivered', 'deferred', 'bounced', 'quarantined', 'released', 'deleted', 'failed'));
CREATE INDEX messages_held_due_idx ON messages (next_attempt_at) WHERE state = 'held';
