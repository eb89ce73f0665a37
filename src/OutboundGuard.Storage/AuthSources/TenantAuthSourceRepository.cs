using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>Tenants' authentication sources (<c>tenant_auth_sources</c>): look-up at AUTH, changes (each audited).</summary>
public sealed class TenantAuthSourceRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        s.kind, s.endpoint, s.ldap_bind_dn, s.ldap_search_base, s.ldap_search_filter, s.ldap_search_bind_dn,
        s.ldap_search_bind_password, s.ldap_tls, s.ldap_tls_ca_pem, s.established_since, s.updated_at
        """;

    // The tenant of the account when it exists, else the tenant whose domain is the login's domain or its closest parent.
    private const string ForLoginSql = $"""
        WITH tenant AS (
            SELECT COALESCE(
                (SELECT a.tenant_id FROM accounts a WHERE a.address = @address),
                (SELECT t.id FROM tenants t WHERE t.domain = ANY(@domains) ORDER BY length(t.domain) DESC LIMIT 1)) AS id)
        SELECT t.id AS tenant_id, t.domain AS tenant, COALESCE(s.kind, 'local') AS kind, {Columns}
        FROM tenant JOIN tenants t ON t.id = tenant.id LEFT JOIN tenant_auth_sources s ON s.tenant_id = t.id
        """;

    /// <summary>
    /// The tenant an AUTH login belongs to and that tenant's source: the tenant of the existing account, else the
    /// tenant of the login's domain (or its closest parent domain). Null when neither exists.
    /// </summary>
    public async Task<LoginAuthSource?> FindForLoginAsync(string address, CancellationToken cancellationToken = default)
    {
        address = address.Trim().ToLowerInvariant();
        var at = address.LastIndexOf('@');
        var domains = new List<string>();
        for (var domain = at < 0 ? "" : address[(at + 1)..].TrimEnd('.'); domain.Contains('.', StringComparison.Ordinal); domain = domain[(domain.IndexOf('.', StringComparison.Ordinal) + 1)..])
        {
            domains.Add(domain);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SourceRow>(new CommandDefinition(ForLoginSql, new { address, domains = domains.ToArray() }, cancellationToken: cancellationToken));
        return row is null ? null : new LoginAuthSource(row.TenantId, row.Tenant, row.ToSource());
    }

    private const string FindSql = $"""
        SELECT t.id AS tenant_id, t.domain AS tenant, COALESCE(s.kind, 'local') AS kind, {Columns}
        FROM tenants t LEFT JOIN tenant_auth_sources s ON s.tenant_id = t.id WHERE t.domain = @domain
        """;

    /// <summary>The tenant's source (<see cref="TenantAuthSource.Local"/> when none is set); null when the tenant does not exist.</summary>
    public async Task<TenantAuthSource?> FindAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SourceRow>(new CommandDefinition(FindSql, new { domain = TenantRepository.Normalize(domain) }, cancellationToken: cancellationToken));
        return row?.ToSource();
    }

    private const string UpsertSql = """
        INSERT INTO tenant_auth_sources (tenant_id, kind, endpoint, ldap_bind_dn, ldap_search_base, ldap_search_filter,
            ldap_search_bind_dn, ldap_search_bind_password, ldap_tls, ldap_tls_ca_pem, established_since)
        SELECT t.id, @kind, @endpoint, @ldapBindDn, @ldapSearchBase, @ldapSearchFilter, @ldapSearchBindDn, @ldapSearchBindPassword,
            @ldapTls, @ldapTlsCaPem, @establishedSince
        FROM tenants t WHERE t.domain = @domain
        ON CONFLICT (tenant_id) DO UPDATE SET kind = EXCLUDED.kind, endpoint = EXCLUDED.endpoint, ldap_bind_dn = EXCLUDED.ldap_bind_dn,
            ldap_search_base = EXCLUDED.ldap_search_base, ldap_search_filter = EXCLUDED.ldap_search_filter,
            ldap_search_bind_dn = EXCLUDED.ldap_search_bind_dn, ldap_search_bind_password = EXCLUDED.ldap_search_bind_password,
            ldap_tls = EXCLUDED.ldap_tls, ldap_tls_ca_pem = EXCLUDED.ldap_tls_ca_pem, established_since = EXCLUDED.established_since, updated_at = now()
        """;

    /// <summary>
    /// Sets the tenant's source, with a <c>tenant.auth_source</c> audit entry (the settings, never the search password)
    /// in the same transaction. False when the tenant does not exist.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are incomplete or malformed (<see cref="TenantAuthSource.Problem"/>).</exception>
    public async Task<bool> SetAsync(string domain, TenantAuthSource source, string actor, CancellationToken cancellationToken = default)
    {
        if (source.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(source));
        }

        domain = TenantRepository.Normalize(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            domain,
            kind = TenantAuthSource.ToText(source.Kind),
            source.Endpoint,
            source.LdapBindDn,
            source.LdapSearchBase,
            source.LdapSearchFilter,
            source.LdapSearchBindDn,
            source.LdapSearchBindPassword,
            ldapTls = TenantAuthSource.ToText(source.LdapTls),
            source.LdapTlsCaPem,
            source.EstablishedSince,
        }, transaction, cancellationToken: cancellationToken));
        if (written == 0)
        {
            return false;
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "tenant.auth_source", domain, null, Describe(source), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The settings as shown by the CLI, the API and the audit log: everything but the search password, which shows
    /// only whether it is set, and the CA certificates, shown by subject and SHA-256 fingerprint. <c>ldapTls</c> is
    /// <c>ldaps</c>, <c>starttls</c> or <c>none</c> for an LDAP source.
    /// </summary>
    public static object Describe(TenantAuthSource source) => new
    {
        kind = TenantAuthSource.ToText(source.Kind),
        endpoint = source.Endpoint,
        ldapBindDn = source.LdapBindDn,
        ldapSearchBase = source.LdapSearchBase,
        ldapSearchFilter = source.LdapSearchFilter,
        ldapSearchBindDn = source.LdapSearchBindDn,
        ldapSearchBindPasswordSet = !string.IsNullOrEmpty(source.LdapSearchBindPassword),
        ldapTls = source.Kind != AuthSourceKind.Ldap ? null
            : source.Endpoint?.StartsWith("ldaps:", StringComparison.OrdinalIgnoreCase) == true ? "ldaps" : TenantAuthSource.ToText(source.LdapTls),
        ldapTlsCa = source.Kind != AuthSourceKind.Ldap || !source.LdapUsesTls ? null : TenantAuthSource.DescribeCa(source.LdapTlsCaPem),
        establishedSince = source.EstablishedSince,
    };

    private sealed class SourceRow
    {
        public long TenantId { get; set; }
        public string Tenant { get; set; } = "";
        public string Kind { get; set; } = "local";
        public string? Endpoint { get; set; }
        public string? LdapBindDn { get; set; }
        public string? LdapSearchBase { get; set; }
        public string? LdapSearchFilter { get; set; }
        public string? LdapSearchBindDn { get; set; }
        public string? LdapSearchBindPassword { get; set; }
        public string? LdapTls { get; set; }
        public string? LdapTlsCaPem { get; set; }
        public DateTimeOffset? EstablishedSince { get; set; }
        public DateTimeOffset? UpdatedAt { get; set; }

        public TenantAuthSource ToSource() => new()
        {
            Kind = TenantAuthSource.TryParseKind(Kind, out var kind) ? kind : AuthSourceKind.Local,
            Endpoint = Endpoint,
            LdapBindDn = LdapBindDn,
            LdapSearchBase = LdapSearchBase,
            LdapSearchFilter = LdapSearchFilter,
            LdapSearchBindDn = LdapSearchBindDn,
            LdapSearchBindPassword = LdapSearchBindPassword,
            // No row yet reads as the default; a row reads as stored ('none' for rows from before TLS was supported).
            LdapTls = TenantAuthSource.TryParseLdapTls(LdapTls, out var tls) ? tls : global::OutboundGuard.Storage.AuthSources.LdapTls.StartTls,
            LdapTlsCaPem = LdapTlsCaPem,
            EstablishedSince = EstablishedSince,
            UpdatedAt = UpdatedAt,
        };
    }
}
