-- 0003: the delivery queue. Leases for crash-safe claiming by several relay nodes, per-recipient
-- progress, spool file clean-up and per-route health.

ALTER TABLE messages
    ADD COLUMN lease_owner        text NULL,          -- node that claimed the row ('delivering')
    ADD COLUMN lease_expires_at   timestamptz NULL,   -- after this a 'delivering' row is due again
    ADD COLUMN pending_recipients text[] NULL,        -- recipients still to deliver; NULL means all of recipients
    ADD COLUMN failed_recipients  text[] NOT NULL DEFAULT '{}',  -- recipients refused for good (5xx or expired)
    ADD COLUMN final_at           timestamptz NULL,   -- when the row reached delivered / bounced / failed
    ADD COLUMN spool_removed_at   timestamptz NULL,   -- when the spool file was deleted
    ADD COLUMN bounce_of          uuid NULL;          -- for a DSN: the message it reports on

CREATE INDEX messages_lease_idx ON messages (lease_expires_at) WHERE state = 'delivering';
CREATE INDEX messages_spool_cleanup_idx ON messages (final_at)
    WHERE spool_removed_at IS NULL AND state IN ('delivered', 'bounced', 'failed');

-- The recipient a reply was about; NULL for replies about the whole transaction (connection, MAIL FROM).
ALTER TABLE delivery_attempts ADD COLUMN recipient text NULL;
CREATE INDEX delivery_attempts_message_idx ON delivery_attempts (message_id, attempted_at);

-- Health of each delivery route, shared by all relay nodes.
CREATE TABLE delivery_routes (
    route                text PRIMARY KEY,
    last_success_at      timestamptz NULL,
    last_failure_at      timestamptz NULL,
    last_failure         text NULL,
    consecutive_failures int NOT NULL DEFAULT 0
);
