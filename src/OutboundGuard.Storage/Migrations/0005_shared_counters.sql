-- Per-account, per-minute message and recipient counts written by every relay node, so that each node
-- scores an account on the traffic it sent through all nodes (a burst split across nodes is seen whole).
-- Rows are absolute counts per (account, minute, node); readers apply the difference to what they saw.
CREATE TABLE account_minute_counts (
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    minute      timestamptz NOT NULL,
    node        text NOT NULL,
    messages    int NOT NULL DEFAULT 0,
    recipients  int NOT NULL DEFAULT 0,
    last_at     timestamptz NOT NULL,               -- when the node counted its latest message of this row
    written_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (account_id, minute, node)
);
CREATE INDEX account_minute_counts_written_idx ON account_minute_counts (written_at);
