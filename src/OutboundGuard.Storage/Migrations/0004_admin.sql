-- 0004: the ops review surface: people and API keys with roles, confirmed campaign fingerprints, URL block
-- and allow lists, alert settings and the record of alerts sent, fingerprints of held messages.

-- People who sign in to the web UI. Passwords as Argon2id PHC strings only.
CREATE TABLE admin_users (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- API keys: only the SHA-256 of the key is stored (the key is 256 random bits, shown once at creation).
CREATE TABLE api_keys (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    key_prefix      text NOT NULL,
    key_hash        text NOT NULL UNIQUE,
    role            text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz NULL
);

-- Body fingerprints confirmed as abuse (blocked for every account) by ops or a review decision.
CREATE TABLE campaign_fingerprints (
    fingerprint     text PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
    status          text NOT NULL CHECK (status IN ('blocked', 'unblocked')),
    reason          text NOT NULL,
    actor           text NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The fingerprint of a held message, computed when ops look at it or review its account.
CREATE TABLE message_fingerprints (
    message_id      uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    account_id      bigint NULL REFERENCES accounts(id),
    fingerprint     text NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_fingerprints_fingerprint_idx ON message_fingerprints (fingerprint);

-- URL reputation lists kept by ops: registrable domains (or IP literals).
CREATE TABLE url_lists (
    list            text NOT NULL CHECK (list IN ('block', 'allow')),
    domain          text NOT NULL,
    reason          text NULL,
    actor           text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (list, domain)
);

-- Settings ops change at run time (alerts); a key absent here falls back to configuration.
CREATE TABLE admin_settings (
    key             text PRIMARY KEY,
    value           text NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per alert sent (or being sent) about one state change, per channel: several nodes claim it once.
CREATE TABLE alerts_sent (
    state_history_id bigint NOT NULL REFERENCES account_state_history(id) ON DELETE CASCADE,
    channel          text NOT NULL CHECK (channel IN ('webhook', 'email')),
    node             text NOT NULL,
    attempts         int NOT NULL DEFAULT 0,
    last_error       text NULL,
    sent_at          timestamptz NULL,
    claimed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (state_history_id, channel)
);
