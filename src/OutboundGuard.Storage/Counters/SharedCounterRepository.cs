using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Counters;

/// <summary>
/// The per-account per-minute counts that relay nodes share through PostgreSQL (table
/// <c>account_minute_counts</c>), and the recent verdicts from which a restarted node restores its counters.
/// </summary>
public sealed class SharedCounterRepository(NpgsqlDataSource dataSource)
{
    private const string AddSql = """
        INSERT INTO account_minute_counts AS c (account_id, minute, node, messages, recipients, last_at)
        SELECT * FROM unnest(@AccountIds::bigint[], @Minutes::timestamptz[], @Nodes::text[], @Messages::int[], @Recipients::int[], @LastAts::timestamptz[])
        ON CONFLICT (account_id, minute, node) DO UPDATE
        SET messages = c.messages + excluded.messages, recipients = c.recipients + excluded.recipients,
            last_at = greatest(c.last_at, excluded.last_at), written_at = clock_timestamp()
        """;

    /// <summary>
    /// Adds this node's increments (deltas) to its rows in one statement. <paramref name="increments"/>'
    /// <see cref="MinuteCount.Node"/> must be this node's name.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<MinuteCount> increments, CancellationToken cancellationToken)
    {
        if (increments.Count == 0)
        {
            return;
        }

        // Visible to the other nodes on commit; not waiting for the WAL flush is fine, since after a database
        // crash a node restores its counters from the verdicts, not from this table.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(Queue.MessageQueueRepository.AsynchronousCommitSql + AddSql, new
        {
            AccountIds = increments.Select(i => i.AccountId).ToArray(),
            Minutes = increments.Select(i => DateTime.SpecifyKind(i.Minute, DateTimeKind.Utc)).ToArray(),
            Nodes = increments.Select(i => i.Node).ToArray(),
            Messages = increments.Select(i => i.Messages).ToArray(),
            Recipients = increments.Select(i => i.Recipients).ToArray(),
            LastAts = increments.Select(i => DateTime.SpecifyKind(i.LastAt, DateTimeKind.Utc)).ToArray(),
        }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private const string OthersSql = """
        SELECT account_id AS AccountId, minute AS Minute, node AS Node, messages AS Messages, recipients AS Recipients, last_at AS LastAt
        FROM account_minute_counts
        WHERE node <> @Node AND written_at > @Since AND minute > now() - interval '1 day'
          AND (@AccountId::bigint IS NULL OR account_id = @AccountId)
        """;

    /// <summary>
    /// Other nodes' rows written after <paramref name="since"/> (database clock), for one account or all,
    /// with the database's clock at the time of reading (pass it, less a margin, as the next <paramref name="since"/>).
    /// </summary>
    public async Task<(IReadOnlyList<MinuteCount> Rows, DateTime ReadAt)> ReadOthersAsync(string node, DateTime since, long? accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One round trip: the clock is read first, then the rows.
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition("SELECT clock_timestamp();\n" + OthersSql,
            new { Node = node, Since = DateTime.SpecifyKind(since, DateTimeKind.Utc), AccountId = accountId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var readAt = await results.ReadSingleAsync<DateTime>().ConfigureAwait(false);
        var rows = await results.ReadAsync<MinuteCount>().ConfigureAwait(false);
        return (rows.AsList(), readAt);
    }

    /// <summary>Deletes rows of minutes older than <paramref name="age"/>; returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM account_minute_counts WHERE minute < now() - @Age",
            new { Age = age }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string RecentSql = """
        SELECT account_id AS AccountId, decided_at AS DecidedAt, recipient_count AS Recipients, action IN ('Relay', 'HighRiskRoute') AS Relayed
        FROM verdicts
        WHERE account_id IS NOT NULL AND decided_at > now() - @Window
        ORDER BY decided_at DESC
        LIMIT @Limit
        """;

    /// <summary>Scored message attempts of the last <paramref name="window"/>, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<RecentAttempt>> RecentAttemptsAsync(TimeSpan window, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<RecentAttempt>(new CommandDefinition(RecentSql, new { Window = window, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
    }
}
