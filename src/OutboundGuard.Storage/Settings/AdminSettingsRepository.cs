using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Settings;

/// <summary>Settings ops change at run time (key → text); an absent key falls back to configuration.</summary>
public sealed class AdminSettingsRepository(NpgsqlDataSource dataSource)
{
    private const string AllSql = "SELECT key, value FROM admin_settings";

    public async Task<IReadOnlyDictionary<string, string?>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, string? Value)>(new CommandDefinition(AllSql, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    private const string UpsertSql = """
        INSERT INTO admin_settings (key, value) VALUES (@key, @value)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
        """;

    private const string DeleteSql = "DELETE FROM admin_settings WHERE key = @key";

    /// <summary>Sets (or, with null, clears) several keys in one audited transaction.</summary>
    public async Task SetAsync(IReadOnlyDictionary<string, string?> values, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (key, value) in values)
        {
            await connection.ExecuteAsync(new CommandDefinition(value is null ? DeleteSql : UpsertSql, new { key, value }, transaction, cancellationToken: cancellationToken));
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "settings.update", "settings", reason, values, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
