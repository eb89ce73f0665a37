-- Failed web UI sign-ins per user name and client address, so every node and the CLI see one count. A row is
-- per (name, address): failures from one address never slow the same name down from another.
CREATE TABLE signin_failures (
    user_name       text NOT NULL,
    client_address  text NOT NULL,
    failures        int NOT NULL CHECK (failures > 0),
    last_failure_at timestamptz NOT NULL,
    blocked_until   timestamptz NOT NULL,
    PRIMARY KEY (user_name, client_address)
);

-- An API key may expire; NULL never expires.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz NULL;

-- Alerts beyond the day's budget (per tenant, and in all) are not sent at once but folded into the next digest:
-- folded_at says when one was folded, digested_at when a digest took it.
ALTER TABLE alerts_sent ADD COLUMN folded_at timestamptz NULL;
ALTER TABLE alerts_sent ADD COLUMN digested_at timestamptz NULL;
CREATE INDEX alerts_sent_claimed_at_idx ON alerts_sent (claimed_at);
