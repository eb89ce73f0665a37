using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Storage.Quarantine;

/// <summary>Held mail: listing, release to delivery and deletion, each audited with who and why.</summary>
public sealed class QuarantineRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        m.id, m.account_id, a.address, m.envelope_from, m.recipients, m.subject, m.header_from, m.size_octets, m.spool_path, m.state,
        m.received_at, m.spool_removed_at, (SELECT t.domain FROM tenants t WHERE t.id = a.tenant_id) AS tenant,
        (SELECT v.reason FROM verdicts v WHERE v.message_id = m.id ORDER BY v.id DESC LIMIT 1) AS verdict_reason
        """;

    private const string ListSql = $"""
        SELECT {Columns} FROM messages m LEFT JOIN accounts a ON a.id = m.account_id
        WHERE m.state = 'quarantined' AND (@accountId::bigint IS NULL OR m.account_id = @accountId)
        ORDER BY m.received_at DESC LIMIT @limit
        """;

    /// <summary>Held messages, newest first, of one account or all.</summary>
    public async Task<IReadOnlyList<HeldMessage>> ListAsync(long? accountId = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<HeldMessage>(new CommandDefinition(ListSql, new { accountId, limit }, cancellationToken: cancellationToken))).AsList();
    }

    private const string FindSql = $"SELECT {Columns} FROM messages m LEFT JOIN accounts a ON a.id = m.account_id WHERE m.id = @id";

    /// <summary>A message in any state, or null.</summary>
    public async Task<HeldMessage?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<HeldMessage>(new CommandDefinition(FindSql, new { id }, cancellationToken: cancellationToken));
    }

    private const string ReleaseSql = """
        UPDATE messages SET state = 'queued', next_attempt_at = now(), updated_at = now()
        WHERE id = ANY(@ids) AND state = 'quarantined'
        RETURNING id
        """;

    /// <summary>
    /// Releases held messages to delivery (state 'queued', due now), audits each, and announces them on
    /// <see cref="SpooledMessageRepository.QueuedChannel"/>. Returns the ids released (those still held).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ReleaseAsync(IReadOnlyCollection<Guid> ids, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var released = (await connection.QueryAsync<Guid>(new CommandDefinition(ReleaseSql, new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var id in released)
        {
            await AuditLogRepository.AppendAsync(connection, transaction, actor, "message.release", id.ToString(), reason, null, cancellationToken);
        }

        if (released.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{SpooledMessageRepository.QueuedChannel}', '')", transaction: transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return released;
    }

    private const string DeleteSql = """
        UPDATE messages SET state = 'deleted', final_at = now(), updated_at = now()
        WHERE id = ANY(@ids) AND state = 'quarantined'
        RETURNING id, spool_path
        """;

    /// <summary>Deletes held messages (state 'deleted'), audits each; returns their ids and spool files for the caller to remove.</summary>
    public async Task<IReadOnlyList<(Guid Id, string SpoolPath)>> DeleteAsync(IReadOnlyCollection<Guid> ids, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = (await connection.QueryAsync<(Guid, string)>(new CommandDefinition(DeleteSql, new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var (id, _) in deleted)
        {
            await AuditLogRepository.AppendAsync(connection, transaction, actor, "message.delete", id.ToString(), reason, null, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private const string SpoolRemovedSql = "UPDATE messages SET spool_removed_at = now() WHERE id = ANY(@ids)";

    /// <summary>Records that the spool files of these messages were removed.</summary>
    public async Task MarkSpoolRemovedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SpoolRemovedSql, new { ids = ids.ToArray() }, cancellationToken: cancellationToken));
    }
}
