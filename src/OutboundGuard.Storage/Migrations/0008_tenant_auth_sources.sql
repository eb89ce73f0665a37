-- Where a tenant's SMTP AUTH passwords are checked. No row: 'local' (the accounts' own password hashes).
-- 'dovecot': the Dovecot authentication protocol on endpoint (unix:/path or host:port).
-- 'ldap': a simple bind on endpoint (ldap://host:port) as ldap_bind_dn (a template with {user} / {local} / {domain}),
-- or, with ldap_search_base, a search for ldap_search_filter (as ldap_search_bind_dn when given) and a bind as the
-- entry found.
-- established_since: the age given to an account created at its first directory AUTH when the directory tells none.
CREATE TABLE tenant_auth_sources (
    tenant_id                 bigint PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    kind                      text NOT NULL CHECK (kind IN ('local', 'dovecot', 'ldap')),
    endpoint                  text NULL,
    ldap_bind_dn              text NULL,
    ldap_search_base          text NULL,
    ldap_search_filter        text NULL,
    ldap_search_bind_dn       text NULL,
    ldap_search_bind_password text NULL,
    established_since         timestamptz NULL,
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'local' OR endpoint IS NOT NULL),
    CHECK (kind <> 'ldap' OR ldap_bind_dn IS NOT NULL OR ldap_search_base IS NOT NULL)
);
