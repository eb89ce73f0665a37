using Dapper;
using Npgsql;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Storage.Queue;

/// <summary>
/// Messages held for a rescan: rows in state 'held' whose next_attempt_at is the end of their hold. Due rows are
/// claimed with <c>FOR UPDATE SKIP LOCKED</c> by pushing next_attempt_at forward by a lease, so several nodes share them
/// and a node that dies mid-rescan leaves the row due again when the lease ends. Times are the database clock.
/// </summary>
public sealed class HoldQueueRepository(NpgsqlDataSource dataSource)
{
    private const string ClaimSql = """
        UPDATE messages m SET next_attempt_at = now() + @Lease, updated_at = now()
        FROM (SELECT id FROM messages WHERE state = 'held' AND next_attempt_at <= now()
              ORDER BY next_attempt_at LIMIT @Batch FOR UPDATE SKIP LOCKED) due
        WHERE m.id = due.id
        RETURNING m.id, m.account_id, m.session_id, host(m.client_ip) AS client_ip, m.envelope_from, m.recipients,
                  m.size_octets, m.spool_path, m.subject, extract(epoch FROM now() - m.received_at)::double precision AS held_seconds
        """;

    /// <summary>Claims up to <paramref name="batch"/> held messages whose hold has ended, for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<HeldForRescan>> ClaimDueAsync(int batch, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<HeldForRescan>(new CommandDefinition(ClaimSql, new { Batch = batch, Lease = lease }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
    }

    private const string ReleaseSql = """
        UPDATE messages SET state = 'queued', next_attempt_at = now(), updated_at = now() WHERE id = @Id AND state = 'held'
        """;

    private const string QuarantineSql = """
        UPDATE messages SET state = 'quarantined', updated_at = now() WHERE id = @Id AND state = 'held'
        """;

    /// <summary>
    /// Ends a hold: the message is queued for delivery (announced on <see cref="MessageQueueRepository.QueuedChannel"/>) or
    /// quarantined, and the rescan's verdict is stored with it, in one transaction. False (nothing written) when the row
    /// is no longer held, e.g. its account was suspended meanwhile and the suspension quarantined it.
    /// </summary>
    public async Task<bool> FinishAsync(Guid id, bool quarantine, VerdictRow verdict, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var moved = await connection.ExecuteAsync(new CommandDefinition(quarantine ? QuarantineSql : ReleaseSql, new { Id = id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (moved != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await VerdictRepository.InsertAsync(connection, transaction, verdict.AccountId, verdict.MessageId, verdict.SessionId, verdict.Verdict,
            verdict.EnvelopeFrom, verdict.RecipientCount, verdict.Subject, cancellationToken).ConfigureAwait(false);
        if (!quarantine)
        {
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{MessageQueueRepository.QueuedChannel}', '')", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private const string ListSql = """
        SELECT m.id, m.account_id, a.address, m.envelope_from, cardinality(m.recipients) AS recipient_count, m.subject, m.received_at,
               m.next_attempt_at AS rescan_at,
               (SELECT e->>'text' FROM verdicts v, jsonb_array_elements(v.evidence) e
                WHERE v.message_id = m.id AND e->>'detector' = 'hold' ORDER BY v.id DESC LIMIT 1) AS hold_reason
        FROM messages m LEFT JOIN accounts a ON a.id = m.account_id
        WHERE m.state = 'held' AND (@AccountId::bigint IS NULL OR m.account_id = @AccountId)
        ORDER BY m.next_attempt_at LIMIT @Limit
        """;

    /// <summary>The held queue, the next rescan first, of one account or all.</summary>
    public async Task<IReadOnlyList<HeldMessageView>> ListAsync(long? accountId = null, int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<HeldMessageView>(new CommandDefinition(ListSql, new { AccountId = accountId, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
    }
}
