-- Attempts refused at MAIL FROM because the account was suspended (550) or throttled (451): counted in memory by
-- the node that refused them and added here in batches, one row per account and minute (never one per attempt),
-- so a suspended account that keeps trying shows in its chart, its timeline and the API without costing a write
-- per refusal.
CREATE TABLE refused_attempts (
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    minute      timestamptz NOT NULL,
    suspended   int NOT NULL DEFAULT 0 CHECK (suspended >= 0),
    throttled   int NOT NULL DEFAULT 0 CHECK (throttled >= 0),
    PRIMARY KEY (account_id, minute)
);
CREATE INDEX refused_attempts_minute_idx ON refused_attempts (minute);

-- A removed account keeps its row (and so its history, verdicts, messages and audit trail) under a tombstone
-- address ("alice@tenant.example#removed-17") that no SMTP look-up matches, with no password and suspended.
ALTER TABLE accounts ADD COLUMN removed_at timestamptz NULL;
