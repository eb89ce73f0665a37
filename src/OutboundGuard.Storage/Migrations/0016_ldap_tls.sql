-- How the relay protects a tenant's LDAP binds. ldap_tls applies to ldap:// endpoints: 'starttls' (the StartTLS
-- extended operation, RFC 4511 §4.14, before any bind) or 'none' (plain). ldaps:// endpoints are TLS from the first
-- octet whatever it says. Rows that exist already keep 'none', as they ran before, so an upgrade changes no running
-- tenant; new settings default to 'starttls' (set by the CLI and the API).
-- ldap_tls_ca_pem: the CA certificates (PEM) the directory's certificate must chain to; NULL: the system trust store.
ALTER TABLE tenant_auth_sources
    ADD COLUMN ldap_tls text NOT NULL DEFAULT 'none' CHECK (ldap_tls IN ('none', 'starttls')),
    ADD COLUMN ldap_tls_ca_pem text NULL;
