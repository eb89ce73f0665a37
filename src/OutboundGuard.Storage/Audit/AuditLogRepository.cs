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

    private const string SearchSql = """
        SELECT id, actor, action, target, reason, details::text AS details, at FROM audit_log
        WHERE (@target::text IS NULL OR target = @target)
          AND (@actor::text IS NULL OR actor = @actor)
          AND (@action::text IS NULL OR action LIKE @action || '%')
          AND (@text::text IS NULL OR strpos(lower(actor || ' ' || action || ' ' || target || ' ' || coalesce(reason, '') || ' ' || coalesce(details::text, '')), lower(@text)) > 0)
          AND (@from::timestamptz IS NULL OR at >= @from)
          AND (@to::timestamptz IS NULL OR at < @to)
        ORDER BY at DESC, id DESC LIMIT @limit
        """;

    /// <summary>Entries matching every given filter, newest first: exact target and actor, action prefix (<c>account.</c>), words anywhere (case-insensitive), time range [from, to).</summary>
    public async Task<IReadOnlyList<AuditEntry>> SearchAsync(AuditQuery query, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(SearchSql,
            new { target = query.Target, actor = query.Actor, action = query.Action, text = query.Text, from = query.From, to = query.To, limit },
            cancellationToken: cancellationToken))).AsList();
    }
}
