using System.Text.Json;
using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Audit;

/// <summary>The append-only audit log: who did what to which target, when and why. Rows cannot be changed (a trigger refuses).</summary>
public sealed class AuditLogRepository(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO audit_log (actor, action, target, reason, details) VALUES (@actor, @action, @target, @reason, @details::jsonb)
        """;

    /// <summary>Appends an entry inside the caller's transaction, so the change and its audit commit together.</summary>
    public static Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string target, string? reason, object? details, CancellationToken cancellationToken)
        => connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { actor, action, target, reason, details = details is null ? null : JsonSerializer.Serialize(details) }, transaction, cancellationToken: cancellationToken));

    /// <summary>Appends an entry on its own.</summary>
    public async Task AppendAsync(string actor, string action, string target, string? reason, object? details, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AppendAsync(connection, transaction, actor, action, target, reason, details, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string ListSql = """
        SELECT id, actor, action, target, reason, details::text AS details, at FROM audit_log
        WHERE (@target::text IS NULL OR target = @target)
        ORDER BY at DESC, id DESC LIMIT @limit
        """;

    /// <summary>Latest entries, newest first, optionally for one target.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? target = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(ListSql, new { target, limit }, cancellationToken: cancellationToken))).AsList();
    }
}
