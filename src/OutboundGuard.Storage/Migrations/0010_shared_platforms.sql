-- 0008: shared platforms (Microsoft 365, Google Workspace) send every customer's mail from the same addresses,
-- so a connector range there proves nothing about the customer. Such a range is marked shared_platform; on it
-- the tenant is chosen by a verified TLS client certificate name or by the platform's tenant identifier header
-- that the tenant registered, and the envelope domain must then be one of the tenant's verified domains.
ALTER TABLE tenant_connectors ADD COLUMN shared_platform boolean NOT NULL DEFAULT false;

-- Domains a tenant may send as besides tenants.domain (and their subdomains), entered by an operator.
CREATE TABLE tenant_domains (
    domain          text PRIMARY KEY,
    tenant_id       bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_domains_tenant_idx ON tenant_domains (tenant_id);

-- What names a tenant on a shared platform: kind 'header' (name = lower-cased header field name, value = the
-- platform's tenant identifier, e.g. x-ms-exchange-crosstenant-id = the Microsoft 365 tenant GUID) or kind
-- 'certificate' (name = '', value = the lower-cased DNS name of a client certificate whose chain validates).
-- One identifier names one tenant.
CREATE TABLE tenant_platform_identities (
    id              bigserial PRIMARY KEY,
    tenant_id       bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('header', 'certificate')),
    name            text NOT NULL,
    value           text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, name, value)
);
CREATE INDEX tenant_platform_identities_tenant_idx ON tenant_platform_identities (tenant_id);

-- The usual recipients per hour of an account, learned from a provider's existing logs (accounts learn) next to
-- usual_messages_per_hour. NULL: unknown.
ALTER TABLE accounts ADD COLUMN usual_recipients_per_hour double precision NULL
    CHECK (usual_recipients_per_hour IS NULL OR usual_recipients_per_hour > 0);
