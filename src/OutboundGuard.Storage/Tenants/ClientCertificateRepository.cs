using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Tenants;

/// <summary>TLS client certificates registered for a tenant (connector identity without AUTH), by SHA-256 fingerprint.</summary>
public sealed class ClientCertificateRepository(NpgsqlDataSource dataSource)
{
    /// <summary>A registered certificate: its tenant, and the account it sends as when bound to one.</summary>
    public sealed record Registration(string Tenant, string? Account);

    private const string AddSql = """
        INSERT INTO tenant_client_certificates (fingerprint, tenant_id, account_address) VALUES (@fingerprint, @tenantId, @account)
        ON CONFLICT (fingerprint) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, account_address = EXCLUDED.account_address
        """;

    /// <summary>Registers a fingerprint (64 hex digits, colons allowed) for the tenant, created when missing.</summary>
    /// <exception cref="FormatException">Not a SHA-256 fingerprint.</exception>
    public async Task AddAsync(string domain, string fingerprint, string? account, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(fingerprint);
        var tenant = await new TenantRepository(dataSource).EnsureAsync(domain, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddSql, new { fingerprint = normalized, tenantId = tenant.Id, account = account?.Trim().ToLowerInvariant() }, cancellationToken: cancellationToken));
    }

    private const string FindSql = """
        SELECT t.domain AS tenant, c.account_address AS account
        FROM tenant_client_certificates c JOIN tenants t ON t.id = c.tenant_id WHERE c.fingerprint = @fingerprint
        """;

    public async Task<Registration?> FindAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Registration>(new CommandDefinition(FindSql, new { fingerprint = Normalize(fingerprint) }, cancellationToken: cancellationToken));
    }

    /// <summary>Lower-case hex without separators.</summary>
    /// <exception cref="FormatException">Not 64 hex digits.</exception>
    public static string Normalize(string fingerprint)
    {
        var hex = fingerprint.Replace(":", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new FormatException($"'{fingerprint}' is not a SHA-256 certificate fingerprint (64 hexadecimal digits).");
        }

        return hex;
    }
}
