using System.Net;
using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Tenants;

/// <summary>Tenants and their connectors (client IP ranges that relay without AUTH).</summary>
public sealed partial class TenantRepository(NpgsqlDataSource dataSource)
{
    private const string EnsureSql = """
        INSERT INTO tenants (domain) VALUES (@domain)
        ON CONFLICT (domain) DO UPDATE SET domain = EXCLUDED.domain
        RETURNING id, domain, admin_email, created_at
        """;

    /// <summary>Returns the tenant with this domain, creating it when it does not exist yet.</summary>
    /// <exception cref="ArgumentException">The domain is not a domain name (<see cref="DomainProblem"/>).</exception>
    public async Task<Tenant> EnsureAsync(string domain, CancellationToken cancellationToken = default)
    {
        CheckDomain(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Tenant>(new CommandDefinition(EnsureSql, new { domain = Normalize(domain) }, cancellationToken: cancellationToken));
    }

    private const string AddSql = """
        INSERT INTO tenants (domain) VALUES (@domain)
        ON CONFLICT (domain) DO NOTHING
        RETURNING id, domain, admin_email, created_at
        """;

    /// <summary>
    /// Creates the tenant, with its <c>tenant.create</c> audit entry in the same transaction; returns the existing one
    /// (and false) when it is already there.
    /// </summary>
    /// <exception cref="ArgumentException">The domain is not a domain name (<see cref="DomainProblem"/>).</exception>
    public async Task<(Tenant Tenant, bool Created)> AddAsync(string domain, string actor, CancellationToken cancellationToken = default)
    {
        CheckDomain(domain);
        domain = Normalize(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.QuerySingleOrDefaultAsync<Tenant>(new CommandDefinition(AddSql, new { domain }, transaction, cancellationToken: cancellationToken));
        if (created is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ((await FindAsync(domain, cancellationToken))!, false);
        }

        await Audit.AuditLogRepository.AppendAsync(connection, transaction, actor, "tenant.create", domain, null, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (created, true);
    }

    /// <summary>
    /// Null when <paramref name="domain"/> is a usable tenant domain (an internet domain name: at least two labels of
    /// letters, digits and inner hyphens, each 1–63 characters, 253 in all; RFC 1035 §2.3.1, RFC 1123 §2.1), else why not.
    /// </summary>
    public static string? DomainProblem(string? domain)
    {
        var d = (domain ?? "").Trim().TrimEnd('.');
        if (d.Length == 0)
        {
            return "The tenant's domain (e.g. tenant.example) is required.";
        }

        var labels = d.Split('.');
        var valid = d.Length <= 253 && labels.Length >= 2 && labels.All(l => l.Length is >= 1 and <= 63
            && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');
        return valid ? null : $"'{domain}' is not a domain name: use letters, digits, hyphens and dots, e.g. tenant.example.";
    }

    private static void CheckDomain(string domain)
    {
        if (DomainProblem(domain) is { } problem)
        {
            throw new ArgumentException(problem, nameof(domain));
        }
    }

    private const string FindSql = "SELECT id, domain, admin_email, created_at FROM tenants WHERE domain = @domain";

    public async Task<Tenant?> FindAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Tenant>(new CommandDefinition(FindSql, new { domain = Normalize(domain) }, cancellationToken: cancellationToken));
    }

    private const string ListSql = "SELECT id, domain, admin_email, created_at FROM tenants WHERE removed_at IS NULL ORDER BY domain";

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Tenant>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    private const string AddConnectorSql = """
        INSERT INTO tenant_connectors (tenant_id, network, shared_platform) VALUES (@tenantId, @network::cidr, @sharedPlatform)
        ON CONFLICT (tenant_id, network) DO UPDATE SET shared_platform = EXCLUDED.shared_platform
        """;

    /// <summary>
    /// Registers a connector range (e.g. 203.0.113.0/24) for the tenant, creating the tenant if needed. A
    /// <paramref name="sharedPlatform"/> range (Microsoft 365, Google Workspace) carries other customers' mail too:
    /// there the tenant must be confirmed by a registered platform identity (<see cref="ConnectorTenantRepository"/>).
    /// </summary>
    /// <exception cref="FormatException">The range is not an IP address or CIDR network.</exception>
    public async Task<Tenant> AddConnectorAsync(string domain, string network, bool sharedPlatform, CancellationToken cancellationToken = default)
    {
        var parsed = IPNetwork.Parse(network.Contains('/', StringComparison.Ordinal) ? network : network + (network.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"));
        var tenant = await EnsureAsync(domain, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddConnectorSql, new { tenantId = tenant.Id, network = parsed.ToString(), sharedPlatform }, cancellationToken: cancellationToken));
        return tenant;
    }

    private const string RemoveConnectorSql = """
        DELETE FROM tenant_connectors c USING tenants t
        WHERE c.tenant_id = t.id AND t.domain = @domain AND c.network = @network::cidr
        """;

    /// <summary>Removes a connector range of the tenant; false when the tenant has no such range.</summary>
    /// <exception cref="FormatException">The range is not an IP address or CIDR network.</exception>
    public async Task<bool> RemoveConnectorAsync(string domain, string network, CancellationToken cancellationToken = default)
    {
        var parsed = IPNetwork.Parse(network.Contains('/', StringComparison.Ordinal) ? network : network + (network.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(RemoveConnectorSql, new { domain = Normalize(domain), network = parsed.ToString() }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Registers a tenant's own connector range (not a shared platform's), creating the tenant if needed.</summary>
    /// <exception cref="FormatException">The range is not an IP address or CIDR network.</exception>
    public async Task<Tenant> AddConnectorAsync(string domain, string network, CancellationToken cancellationToken = default)
        => await AddConnectorAsync(domain, network, sharedPlatform: false, cancellationToken);

    private const string ConnectorsSql = """
        SELECT network::text || CASE WHEN shared_platform THEN ' (shared platform)' ELSE '' END
        FROM tenant_connectors WHERE tenant_id = @tenantId ORDER BY network
        """;

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
