using System.Net;
using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Tenants;

/// <summary>Tenants and their connectors (client IP ranges that relay without AUTH).</summary>
public sealed class TenantRepository(NpgsqlDataSource dataSource)
{
    private const string EnsureSql = """
        INSERT INTO tenants (domain) VALUES (@domain)
        ON CONFLICT (domain) DO UPDATE SET domain = EXCLUDED.domain
        RETURNING id, domain, admin_email, created_at
        """;

    /// <summary>Returns the tenant with this domain, creating it when it does not exist yet.</summary>
    public async Task<Tenant> EnsureAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Tenant>(new CommandDefinition(EnsureSql, new { domain = Normalize(domain) }, cancellationToken: cancellationToken));
    }

    private const string FindSql = "SELECT id, domain, admin_email, created_at FROM tenants WHERE domain = @domain";

    public async Task<Tenant?> FindAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Tenant>(new CommandDefinition(FindSql, new { domain = Normalize(domain) }, cancellationToken: cancellationToken));
    }

    private const string ListSql = "SELECT id, domain, admin_email, created_at FROM tenants ORDER BY domain";

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Tenant>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    private const string AddConnectorSql = """
        INSERT INTO tenant_connectors (tenant_id, network) VALUES (@tenantId, @network::cidr)
        ON CONFLICT (tenant_id, network) DO NOTHING
        """;

    /// <summary>Registers a connector range (e.g. 203.0.113.0/24) for the tenant, creating the tenant if needed.</summary>
    /// <exception cref="FormatException">The range is not an IP address or CIDR network.</exception>
    public async Task<Tenant> AddConnectorAsync(string domain, string network, CancellationToken cancellationToken = default)
    {
        var parsed = IPNetwork.Parse(network.Contains('/', StringComparison.Ordinal) ? network : network + (network.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"));
        var tenant = await EnsureAsync(domain, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddConnectorSql, new { tenantId = tenant.Id, network = parsed.ToString() }, cancellationToken: cancellationToken));
        return tenant;
    }

    private const string ConnectorsSql = "SELECT network::text FROM tenant_connectors WHERE tenant_id = @tenantId ORDER BY network";

    public async Task<IReadOnlyList<string>> ListConnectorsAsync(long tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(ConnectorsSql, new { tenantId }, cancellationToken: cancellationToken))).AsList();
    }

    private const string FindByClientSql = """
        SELECT t.id, t.domain, t.admin_email, t.created_at
        FROM tenant_connectors c JOIN tenants t ON t.id = c.tenant_id
        WHERE @address::inet <<= c.network
        ORDER BY masklen(c.network) DESC
        LIMIT 1
        """;

    /// <summary>The tenant whose connector range holds this client address (most specific range wins), or null.</summary>
    public async Task<Tenant?> FindByClientAddressAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Tenant>(new CommandDefinition(FindByClientSql, new { address = address.ToString() }, cancellationToken: cancellationToken));
    }

    internal static string Normalize(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();

    private const string SetAdminEmailSql = "UPDATE tenants SET admin_email = @email WHERE domain = @domain";

    /// <summary>Sets (or clears) the address that receives the tenant's alerts, audited. False when the tenant does not exist.</summary>
    public async Task<bool> SetAdminEmailAsync(string domain, string? email, string actor, CancellationToken cancellationToken = default)
    {
        domain = Normalize(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(SetAdminEmailSql, new { domain, email }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        await Audit.AuditLogRepository.AppendAsync(connection, transaction, actor, "tenant.admin_email", domain, null, new { email }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
