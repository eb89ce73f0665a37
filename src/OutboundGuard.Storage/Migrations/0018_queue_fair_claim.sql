-- The delivery queue's fair share: each claim takes the oldest first attempt of accounts in turn (a loose scan over
-- this index, one probe per account) before filling the batch in order, so one account's backlog (a newsletter) does
-- not hold another account's mail until the queue has worked through it. Only rows waiting for their first attempt
-- are in it: they leave it at their claim.
CREATE INDEX messages_queued_account_idx ON messages (account_id, next_attempt_at) WHERE state = 'queued';
