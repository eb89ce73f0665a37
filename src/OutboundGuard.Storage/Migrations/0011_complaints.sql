-- Complaint feedback loops (ARF, RFC 5965): one row per report received, over SMTP (the feedback-loop address) or
-- the API. Only reports whose DKIM signature verified with a configured feedback-loop source's key weigh in
-- scoring (verified = true); the others are kept and shown, without weight.
CREATE TABLE complaints (
    id               bigserial PRIMARY KEY,
    received_at      timestamptz NOT NULL DEFAULT now(),
    door             text NOT NULL CHECK (door IN ('smtp', 'api')),
    received_from    text NOT NULL,                  -- the client IP (smtp) or the API actor (api)
    source           text NULL,                      -- the configured feedback-loop source whose key verified it
    verified         boolean NOT NULL,
    verification     text NOT NULL,                  -- in words: why it weighs or why not
    feedback_type    text NOT NULL,                  -- abuse, fraud, virus, other, not-spam (RFC 5965 §7.3)
    message_id       uuid NULL,                      -- the relay's queue id of the reported message
    account_id       bigint NULL REFERENCES accounts(id) ON DELETE SET NULL,
    tenant_id        bigint NULL REFERENCES tenants(id) ON DELETE SET NULL,
    original_mail_from text NULL,
    arrival_date     timestamptz NULL,
    reported_subject text NULL,
    size_octets      int NOT NULL
);
CREATE INDEX complaints_account_idx ON complaints (account_id, received_at DESC) WHERE verified;
CREATE INDEX complaints_tenant_idx ON complaints (tenant_id, received_at DESC) WHERE verified;
CREATE INDEX complaints_received_idx ON complaints (received_at DESC);
