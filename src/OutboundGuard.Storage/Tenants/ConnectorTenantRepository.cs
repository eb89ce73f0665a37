using System.Net;
using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Tenants;

/// <summary>
/// Which tenants a connector client may be (ranges may overlap between tenants) and what tells them apart: further
/// verified domains and the identities a tenant registered on a shared platform.
/// </summary>
public sealed class ConnectorTenantRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The LISTEN/NOTIFY channel on which every change to what <see cref="FindByClientAddressAsync"/> reads is announced
    /// (no payload): connector ranges, tenant domains, platform identities, a tenant's own domain. Sent by triggers
    /// (migration 0017), so no statement that changes them can forget it.
    /// </summary>
    public const string ChangesChannel = "outboundguard_connectors";

    /// <summary>Kind of a platform identity carried in a header field of the message.</summary>
    public const string HeaderKind = "header";

    /// <summary>Kind of a platform identity carried as the DNS name of a verified TLS client certificate.</summary>
    public const string CertificateKind = "certificate";

    private const string FindSql = """
        SELECT t.id, t.domain, bool_or(c.shared_platform) AS shared_platform,
            array_prepend(t.domain, array(SELECT d.domain FROM tenant_domains d WHERE d.tenant_id = t.id ORDER BY d.domain)) AS domains,
            array(SELECT p.name FROM tenant_platform_identities p WHERE p.tenant_id = t.id AND p.kind = 'header' ORDER BY p.id) AS header_names,
            array(SELECT p.value FROM tenant_platform_identities p WHERE p.tenant_id = t.id AND p.kind = 'header' ORDER BY p.id) AS header_values,
            array(SELECT p.value FROM tenant_platform_identities p WHERE p.tenant_id = t.id AND p.kind = 'certificate' ORDER BY p.id) AS certificate_names
        FROM tenant_connectors c JOIN tenants t ON t.id = c.tenant_id
        WHERE @address::inet <<= c.network
        GROUP BY t.id, t.domain
        ORDER BY t.domain
        """;

    /// <summary>Every tenant with a connector range holding <paramref name="address"/> (none when it is no connector).</summary>
    public async Task<IReadOnlyList<ConnectorTenant>> FindByClientAddressAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ConnectorTenant>(new CommandDefinition(FindSql, new { address = address.ToString() }, cancellationToken: cancellationToken))).AsList();
    }

    private const string AddDomainSql = """
        INSERT INTO tenant_domains (domain, tenant_id) SELECT @domain, id FROM tenants WHERE domain = @tenant
        ON CONFLICT (domain) DO NOTHING
        """;

    private const string DomainOwnerSql = """
        SELECT t.domain FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id WHERE d.domain = @domain
        UNION ALL SELECT domain FROM tenants WHERE domain = @domain
        """;

    /// <summary>Adds a domain the tenant may send as. Returns why not when it is not a domain name or belongs to another tenant.</summary>
    public async Task<string?> AddDomainAsync(string tenant, string domain, CancellationToken cancellationToken = default)
    {
        if (TenantRepository.DomainProblem(domain) is { } problem)
        {
            return problem;
        }

        tenant = TenantRepository.Normalize(tenant);
        domain = TenantRepository.Normalize(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddDomainSql, new { tenant, domain }, cancellationToken: cancellationToken));
        var owners = (await connection.QueryAsync<string>(new CommandDefinition(DomainOwnerSql, new { domain }, cancellationToken: cancellationToken))).AsList();
        var other = owners.FirstOrDefault(o => o != tenant);
        return other is null ? null : $"{domain} is already a domain of tenant {other}";
    }

    private const string AddIdentitySql = """
        INSERT INTO tenant_platform_identities (tenant_id, kind, name, value) SELECT id, @kind, @name, @value FROM tenants WHERE domain = @tenant
        ON CONFLICT (kind, name, value) DO NOTHING
        """;

    private const string IdentityOwnerSql = """
        SELECT t.domain FROM tenant_platform_identities p JOIN tenants t ON t.id = p.tenant_id WHERE p.kind = @kind AND p.name = @name AND p.value = @value
        """;

    /// <summary>
    /// Registers what names the tenant on a shared platform: a header field and its value (e.g.
    /// X-MS-Exchange-CrossTenant-Id and the Microsoft 365 tenant id), or a client certificate's DNS name
    /// (<paramref name="header"/> null). Returns why not when the identifier already names another tenant.
    /// </summary>
    public async Task<string?> AddPlatformIdentityAsync(string tenant, string? header, string value, CancellationToken cancellationToken = default)
    {
        tenant = TenantRepository.Normalize(tenant);
        var kind = header is null ? CertificateKind : HeaderKind;
        var name = header?.Trim().ToLowerInvariant() ?? "";
        value = value.Trim().ToLowerInvariant();
        if (value.Length == 0 || (header is not null && (name.Length == 0 || !name.All(c => c is > ' ' and < '\x7f' and not ':'))))
        {
            return "a platform identity needs a header field name and a value (HEADER=VALUE), or a certificate name";
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddIdentitySql, new { tenant, kind, name, value }, cancellationToken: cancellationToken));
        var owner = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(IdentityOwnerSql, new { kind, name, value }, cancellationToken: cancellationToken));
        return owner is null || owner == tenant ? null : $"{(header is null ? "certificate name" : header)} {value} already names tenant {owner}";
    }
}
