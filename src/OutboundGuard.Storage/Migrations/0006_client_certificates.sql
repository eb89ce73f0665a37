-- 0006: TLS client certificates that identify a connector (pinned by SHA-256 fingerprint, as Postfix's
-- check_ccert_access does), optionally bound to one account of the tenant.
CREATE TABLE tenant_client_certificates (
    fingerprint     text PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    tenant_id       bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account_address text NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
