-- 0001: the first schema. Applied scripts are never edited; later changes come as 0002_..., 0003_...

CREATE TABLE tenants (
    id              bigserial PRIMARY KEY,
    domain          text NOT NULL UNIQUE,
    admin_email     text NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Client IP ranges that relay for a tenant without AUTH (connector mode).
CREATE TABLE tenant_connectors (
    id              bigserial PRIMARY KEY,
    tenant_id       bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    network         cidr NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, network)
);

CREATE TABLE accounts (
    id              bigserial PRIMARY KEY,
    tenant_id       bigint NOT NULL REFERENCES tenants(id),
    address         text NOT NULL UNIQUE,           -- lower-cased mailbox, e.g. alice@tenant.example
    password_hash   text NULL,                      -- PHC string ($argon2id$...), NULL for connector-only accounts
    state           text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'throttled', 'suspended')),
    state_reason    text NULL,
    throttled_until timestamptz NULL,
    credential_reset_required boolean NOT NULL DEFAULT false,
    -- Per-account limits; NULL means the tenant's or the global default.
    limit_messages_per_minute   int NULL,
    limit_messages_per_hour     int NULL,
    limit_recipients_per_minute int NULL,
    limit_recipients_per_hour   int NULL,
    limit_recipients_per_day    int NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_tenant_idx ON accounts (tenant_id);
CREATE INDEX accounts_state_idx ON accounts (state) WHERE state <> 'active';

-- Every change of an account's state, with who and why.
CREATE TABLE account_state_history (
    id              bigserial PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    from_state      text NOT NULL,
    to_state        text NOT NULL,
    reason          text NOT NULL,
    actor           text NOT NULL,                  -- 'policy' or the ops user / API key name
    verdict_id      bigint NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_state_history_account_idx ON account_state_history (account_id, changed_at DESC);

-- The spool: one row per accepted message. The content is a file in the spool folder, fsynced before the row commits.
CREATE TABLE messages (
    id              uuid PRIMARY KEY,
    account_id      bigint NULL REFERENCES accounts(id),
    session_id      text NOT NULL,
    client_ip       inet NOT NULL,
    envelope_from   text NOT NULL,
    recipients      text[] NOT NULL,
    dsn_ret         text NULL,
    dsn_envid       text NULL,
    recipient_notify text[] NULL,
    size_octets     bigint NOT NULL,
    spool_path      text NOT NULL,
    subject         text NULL,
    header_from     text NULL,
    state           text NOT NULL CHECK (state IN ('queued', 'delivering', 'delivered', 'deferred', 'bounced', 'quarantined', 'released', 'deleted', 'failed')),
    route           text NOT NULL DEFAULT 'default',
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_reply      text NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_due_idx ON messages (next_attempt_at) WHERE state IN ('queued', 'deferred');
CREATE INDEX messages_account_idx ON messages (account_id, received_at DESC);
CREATE INDEX messages_state_idx ON messages (state);

-- Every downstream reply, per message and account (accepted / deferred / rejected).
CREATE TABLE delivery_attempts (
    id              bigserial PRIMARY KEY,
    message_id      uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    account_id      bigint NULL REFERENCES accounts(id),
    route           text NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('accepted', 'deferred', 'rejected')),
    reply_code      int NULL,
    reply_text      text NULL,
    attempted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_attempts_account_idx ON delivery_attempts (account_id, attempted_at DESC);

-- Every scoring decision with its evidence, also for messages that were refused and never spooled.
CREATE TABLE verdicts (
    id              bigserial PRIMARY KEY,
    account_id      bigint NULL REFERENCES accounts(id),
    message_id      uuid NULL,
    session_id      text NOT NULL,
    action          text NOT NULL,
    score           double precision NOT NULL,
    reason          text NOT NULL,
    evidence        jsonb NOT NULL,                 -- [{"detector":..,"weight":..,"text":..}]
    envelope_from   text NULL,
    recipient_count int NOT NULL DEFAULT 0,
    subject         text NULL,
    decided_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verdicts_account_idx ON verdicts (account_id, decided_at DESC);
CREATE INDEX verdicts_action_idx ON verdicts (action, decided_at DESC) WHERE action <> 'Relay';

-- Append-only audit log of every state change made by a person, an API key or the policy.
CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    actor           text NOT NULL,
    action          text NOT NULL,
    target          text NOT NULL,
    reason          text NULL,
    details         jsonb NULL,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_target_idx ON audit_log (target, at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
