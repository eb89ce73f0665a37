-- Each relay node keeps the tenants of the client addresses it has seen in memory (a query per connection before), so
-- every change to what a connector look-up reads is announced on outboundguard_connectors, whichever statement made it
-- (CLI, API, UI, import, tenant removal, a cascade): the announcement is sent when the change commits, and each node
-- drops what it held. Statement-level: one announcement per statement, however many rows it touched.
CREATE FUNCTION announce_connector_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outboundguard_connectors', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER tenant_connectors_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_connectors
    FOR EACH STATEMENT EXECUTE FUNCTION announce_connector_change();
CREATE TRIGGER tenant_domains_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_domains
    FOR EACH STATEMENT EXECUTE FUNCTION announce_connector_change();
CREATE TRIGGER tenant_platform_identities_announce AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_platform_identities
    FOR EACH STATEMENT EXECUTE FUNCTION announce_connector_change();
-- A tenant's own domain is part of what the look-up reads.
CREATE TRIGGER tenants_announce AFTER UPDATE OF domain OR DELETE ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION announce_connector_change();
