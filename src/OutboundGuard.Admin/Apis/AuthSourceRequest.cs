namespace OutboundGuard.Admin.Apis;

/// <summary>
/// Body of <c>PUT /api/tenants/{domain}/auth-source</c>: <c>source</c> is local, dovecot or ldap; the other fields as
/// <c>outboundguard tenants auth-source</c> names them. <c>establishedSince</c> is an ISO 8601 date or date-time.
/// <c>ldapTls</c> is starttls (the default) or none; <c>ldapTlsCaPem</c> the CA certificates in PEM (the system trust
/// store when left out).
/// </summary>
public sealed record AuthSourceRequest(
    string? Source,
    string? Endpoint,
    string? LdapBindDn,
    string? LdapSearchBase,
    string? LdapSearchFilter,
    string? LdapSearchBindDn,
    string? LdapSearchBindPassword,
    DateTimeOffset? EstablishedSince,
    string? LdapTls = null,
    string? LdapTlsCaPem = null);
