using Dapper;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Tenants;

public sealed partial class TenantRepository
{
    private const string LockLiveSql = "SELECT id FROM tenants WHERE domain = @domain AND removed_at IS NULL FOR UPDATE";

    private const string LiveAccountsSql = "SELECT count(*)::int FROM accounts WHERE tenant_id = @id AND removed_at IS NULL";

    // Every way mail is taken as the tenant's without an account AUTH: none may outlive the tenant.
    private const string RemoveWaysInSql = """
        WITH c AS (DELETE FROM tenant_connectors WHERE tenant_id = @id RETURNING 1),
             k AS (DELETE FROM tenant_client_certificates WHERE tenant_id = @id RETURNING 1),
             d AS (DELETE FROM tenant_domains WHERE tenant_id = @id RETURNING 1),
             p AS (DELETE FROM tenant_platform_identities WHERE tenant_id = @id RETURNING 1),
             s AS (DELETE FROM tenant_auth_sources WHERE tenant_id = @id RETURNING 1)
        SELECT ((SELECT count(*) FROM c) + (SELECT count(*) FROM k) + (SELECT count(*) FROM d) + (SELECT count(*) FROM p) + (SELECT count(*) FROM s))::int
        """;

    private const string RemoveSql = "UPDATE tenants SET domain = @tombstone, removed_at = now() WHERE id = @id";

    /// <summary>The domain a removed tenant's row keeps: no look-up matches it and the domain is free again.</summary>
    public static string Tombstone(string domain, long tenantId) => FormattableString.Invariant($"{domain}#removed-{tenantId}");

    /// <summary>
    /// Removes a tenant that has no account left, in one transaction: its connector ranges, client certificates, further
    /// domains, platform identities and directory setting are deleted, its row stays under <see cref="Tombstone"/> with
    /// the time of removal, and one audit entry (<c>tenant.remove</c>) is written. When accounts remain nothing is done
    /// and <see cref="TenantRemoval.AccountsRemaining"/> says how many. Null when there is no such tenant.
    /// </summary>
    public async Task<TenantRemoval?> RemoveAsync(string domain, string reason, string actor, CancellationToken cancellationToken = default)
    {
        domain = Normalize(domain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(LockLiveSql, new { domain }, transaction, cancellationToken: cancellationToken));
        if (id is null)
        {
            return null;
        }

        var accounts = await connection.ExecuteScalarAsync<int>(new CommandDefinition(LiveAccountsSql, new { id }, transaction, cancellationToken: cancellationToken));
        if (accounts > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new TenantRemoval(domain, null, accounts, 0);
        }

        var waysIn = await connection.ExecuteScalarAsync<int>(new CommandDefinition(RemoveWaysInSql, new { id }, transaction, cancellationToken: cancellationToken));
        var tombstone = Tombstone(domain, id.Value);
        await connection.ExecuteAsync(new CommandDefinition(RemoveSql, new { id, tombstone }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "tenant.remove", domain, reason, new { tombstone, waysInRemoved = waysIn }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TenantRemoval(domain, tombstone, 0, waysIn);
    }
}
