using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Queue;

/// <summary>
/// The delivery queue over the <c>messages</c> spool rows and <c>delivery_attempts</c>. Due rows are
/// claimed with <c>FOR UPDATE SKIP LOCKED</c> under a lease, so several relay nodes can share one
/// database and a row claimed by a node that died is due again once its lease expires. All times are
/// the database clock, so nodes with skewed clocks agree.
/// </summary>
public sealed partial class MessageQueueRepository(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The LISTEN/NOTIFY channel on which a 'queued' row is announced, so every relay node's queue wakes at
    /// once instead of at its next poll.
    /// </summary>
    public const string QueuedChannel = "outboundguard_delivery";

    // Each kind of due row is read in index order with its own limit (an ordered index scan that stops early
    // and skips the index entries of rows already delivered), not as one OR that collects every match first.
    // The fair share: accounts with a first attempt due, in account order after @After, each with its oldest (a loose
    // index scan over (account_id, next_attempt_at): one probe per account finds both, at most @Fair); they come after
    // lost leases and before the rest in order of due time. Rows are locked only where they are taken (a recursive
    // query cannot lock).
    private const string ClaimSql = """
        WITH RECURSIVE lost AS (
            SELECT id, lease_expires_at AS due_at FROM messages
            WHERE state = 'delivering' AND lease_expires_at <= now()
            ORDER BY lease_expires_at
            LIMIT @Batch
            FOR UPDATE SKIP LOCKED),
        senders (account_id, id, n) AS (
            (SELECT account_id, id, 1 FROM messages
             WHERE @Fair > 0 AND state = 'queued' AND account_id > @After AND next_attempt_at <= now()
             ORDER BY account_id, next_attempt_at
             LIMIT 1)
            UNION ALL
            SELECT next.account_id, next.id, s.n + 1
            FROM senders s
            CROSS JOIN LATERAL (
                SELECT m.account_id, m.id FROM messages m
                WHERE m.state = 'queued' AND m.account_id > s.account_id AND m.next_attempt_at <= now()
                ORDER BY m.account_id, m.next_attempt_at
                LIMIT 1) next
            WHERE s.n < @Fair),
        firsts AS (
            SELECT id, next_attempt_at AS due_at FROM messages
            WHERE state = 'queued' AND id IN (SELECT id FROM senders)
            FOR UPDATE SKIP LOCKED),
        waiting AS (
            SELECT id, next_attempt_at AS due_at FROM messages
            WHERE state IN ('queued', 'deferred') AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT @Batch
            FOR UPDATE SKIP LOCKED),
        due AS (
            SELECT id, min(share) AS share FROM (
                SELECT id, 0 AS share, due_at FROM lost
                UNION ALL SELECT id, 1, due_at FROM firsts
                UNION ALL SELECT id, 2, due_at FROM waiting) d
            GROUP BY id
            ORDER BY min(share), min(due_at)
            LIMIT @Batch)
        UPDATE messages m
        SET state = 'delivering', lease_owner = @Owner, lease_expires_at = now() + @Lease,
            attempts = m.attempts + 1, updated_at = now()
        FROM due
        WHERE m.id = due.id AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off'
        RETURNING m.id AS Id, m.account_id AS AccountId, m.envelope_from AS EnvelopeFrom, m.recipients AS Recipients,
                  coalesce(m.pending_recipients, m.recipients) AS PendingRecipients, m.failed_recipients AS FailedRecipients,
                  m.dsn_ret AS DsnRet, m.dsn_envid AS DsnEnvid, m.recipient_notify AS RecipientNotify,
                  m.size_octets AS SizeOctets, m.spool_path AS SpoolPath, m.route AS Route, m.attempts AS Attempts,
                  m.received_at AS ReceivedAt, (m.received_at + @Lifetime <= now()) AS LifetimeExpired,
                  m.subject AS Subject, m.bounce_of AS BounceOf, (due.share = 1) AS FairShare
        """;

    /// <summary>
    /// Claims up to <paramref name="batch"/> due messages (queued or deferred with next_attempt_at passed, or
    /// 'delivering' with an expired lease) for <paramref name="owner"/>: state 'delivering', lease until now +
    /// <paramref name="lease"/>, attempts + 1. Up to <paramref name="fair"/> of them are the fair share: the oldest
    /// first attempt of each account after <paramref name="afterAccount"/> in account order
    /// (<see cref="QueuedMessage.FairShare"/>); lost leases come first, and the rest in order of due time.
    /// The claim commits without waiting for its WAL flush (<c>synchronous_commit</c> off for its own transaction, set
    /// inside the statement so it stays one round trip): a claim lost in a database crash leaves the message due as if it
    /// had never been claimed, so it is delivered once more at worst (as after any crash during a delivery), and the
    /// attempt's own record, committed with a flush, makes the claim durable with it.
    /// </summary>
    /// <param name="owner">Lease owner, unique per running queue (node and process).</param>
    /// <param name="batch">Most rows to claim.</param>
    /// <param name="lease">How long the claim holds without renewal.</param>
    /// <param name="lifetime">Maximum queue lifetime; sets <see cref="QueuedMessage.LifetimeExpired"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <param name="fair">Most accounts in the fair share; 0 claims in order of due time only.</param>
    /// <param name="afterAccount">The fair share starts after this account id (the last one the previous share reached; 0 from the start).</param>
    public async Task<IReadOnlyList<QueuedMessage>> ClaimDueAsync(string owner, int batch, TimeSpan lease, TimeSpan lifetime, CancellationToken cancellationToken, int fair = 0, long afterAccount = 0)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<QueuedMessage>(new CommandDefinition(ClaimSql,
            new { Owner = owner, Batch = batch, Lease = lease, Lifetime = lifetime, Fair = Math.Min(fair, batch), After = afterAccount },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.OrderBy(r => r.ReceivedAt).ToList();
    }

    private const string RenewSql = """
        UPDATE messages SET lease_expires_at = now() + @Lease
        WHERE state = 'delivering' AND lease_owner = @Owner AND id = ANY(@Ids)
        """;

    /// <summary>Extends the leases of messages still being delivered, so a long transfer is not claimed twice.</summary>
    public async Task<int> RenewLeasesAsync(string owner, IReadOnlyCollection<Guid> ids, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(RenewSql,
            new { Owner = owner, Ids = ids.ToArray(), Lease = lease }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string EnqueueSql = """
        INSERT INTO messages (id, account_id, session_id, client_ip, envelope_from, recipients, size_octets, spool_path,
                              subject, header_from, state, route, next_attempt_at, bounce_of)
        VALUES (@Id, @AccountId, @SessionId, '127.0.0.1', @EnvelopeFrom, @Recipients, @SizeOctets, @SpoolPath,
                @Subject, @HeaderFrom, 'queued', @Route, now(), @BounceOf)
        """;

    /// <summary>
    /// Records one attempt in one transaction: the replies, the message's new state and pending recipients,
    /// and the DSN row when there is one. Returns false (and writes nothing) when this owner no longer holds
    /// the lease, i.e. another node has taken the message over.
    /// </summary>
    public async Task<bool> CompleteAsync(AttemptCompletion completion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlBatch(connection, transaction);
        command.BatchCommands.Add(AttemptCommitter.CompleteCommand(completion));
        var updated = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (updated != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (completion.Bounce is { } bounce)
        {
            await connection.ExecuteAsync(new CommandDefinition(EnqueueSql, bounce, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(NotifySql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private const string NotifySql = $"SELECT pg_notify('{QueuedChannel}', '')";

    /// <summary>
    /// Announces newly queued rows to every node's queue (each subscribes to <see cref="QueuedChannel"/> through the node's notification hub). The SMTP
    /// side calls it after committing a 'queued' row (or runs <c>NOTIFY outboundguard_delivery</c> in its own
    /// transaction); quarantine release likewise.
    /// </summary>
    public async Task NotifyQueuedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(NotifySql, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string RouteSuccessSql = """
        INSERT INTO delivery_routes (route, last_success_at, consecutive_failures) VALUES (@Route, now(), 0)
        ON CONFLICT (route) DO UPDATE SET last_success_at = now(), consecutive_failures = 0
        """;

    private const string RouteFailureSql = """
        INSERT INTO delivery_routes (route, last_failure_at, last_failure, consecutive_failures) VALUES (@Route, now(), @Failure, 1)
        ON CONFLICT (route) DO UPDATE
        SET last_failure_at = now(), last_failure = @Failure, consecutive_failures = delivery_routes.consecutive_failures + 1
        """;

    /// <summary>Records that a route accepted a transaction (resets its consecutive failures).</summary>
    public async Task RecordRouteSuccessAsync(string route, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(RouteSuccessSql, new { Route = route }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Records that a route failed as a whole (no connection, broken connection, 4xx for the transaction).</summary>
    public async Task RecordRouteFailureAsync(string route, string failure, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(RouteFailureSql, new { Route = route, Failure = failure }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string SpoolFilesDueSql = """
        SELECT id AS Id, spool_path AS SpoolPath FROM messages
        WHERE spool_removed_at IS NULL AND state IN ('delivered', 'bounced', 'failed') AND final_at <= now() - @Retention
        ORDER BY final_at
        LIMIT @Limit
        """;

    private const string SpoolRemovedSql = "UPDATE messages SET spool_removed_at = now() WHERE id = ANY(@Ids)";

    /// <summary>Spool files of messages in a final state for at least <paramref name="retention"/>, not yet removed.</summary>
    public async Task<IReadOnlyList<(Guid Id, string SpoolPath)>> GetSpoolFilesToRemoveAsync(TimeSpan retention, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(Guid, string)>(new CommandDefinition(SpoolFilesDueSql,
            new { Retention = retention, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToList();
    }

    /// <summary>Which of <paramref name="ids"/> have a message row that still needs its spool file (not marked removed).</summary>
    public async Task<HashSet<Guid>> GetIdsNeedingSpoolFileAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition("SELECT id FROM messages WHERE id = ANY(@Ids) AND spool_removed_at IS NULL",
            new { Ids = ids }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>
    /// Marks spool files as removed. The mark is committed without waiting for its WAL flush: it is only a
    /// hint for the clean-up, and one lost in a crash makes the clean-up delete an already missing file again.
    /// </summary>
    public async Task MarkSpoolRemovedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(AsynchronousCommitSql + SpoolRemovedSql, new { Ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For writes whose loss in a database crash is harmless: the commit does not wait for the WAL flush.</summary>
    internal const string AsynchronousCommitSql = "SET LOCAL synchronous_commit TO off;\n";

    private const string CountsSql = "SELECT state, count(*) FROM messages GROUP BY state";

    private const string OldestSql = """
        SELECT extract(epoch FROM now() - min(received_at))::double precision FROM messages
        WHERE state IN ('queued', 'deferred', 'delivering')
        """;

    private const string RoutesSql = """
        SELECT route AS Route, last_success_at AS LastSuccessAt, last_failure_at AS LastFailureAt,
               last_failure AS LastFailure, consecutive_failures AS ConsecutiveFailures
        FROM delivery_routes ORDER BY route
        """;

    private const string OldestWaitingSql = """
        SELECT min(received_at) FROM (
            SELECT received_at FROM messages
            WHERE state = 'queued' AND attempts = 0 AND next_attempt_at <= now()
            ORDER BY next_attempt_at LIMIT 100) AS due
        """;

    /// <summary>When the longest-waiting message still due for its first attempt was received (of the first 100 due); null when none is due.</summary>
    public async Task<DateTime?> OldestWaitingFirstAttemptAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(OldestWaitingSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Counts by state, age of the oldest pending message and per-route health.</summary>
    public async Task<QueueStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var counts = (await connection.QueryAsync<(string, long)>(new CommandDefinition(CountsSql, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var oldest = await connection.ExecuteScalarAsync<double?>(new CommandDefinition(OldestSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var routes = (await connection.QueryAsync<RouteHealthRow>(new CommandDefinition(RoutesSql, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => new RouteHealth(r.Route, r.LastSuccessAt, r.LastFailureAt, r.LastFailure, r.ConsecutiveFailures))
            .ToList();
        return new QueueStatus(counts, oldest is { } seconds ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : null, routes);
    }

    private sealed record RouteHealthRow
    {
        public string Route { get; init; } = "";

        public DateTime? LastSuccessAt { get; init; }

        public DateTime? LastFailureAt { get; init; }

        public string? LastFailure { get; init; }

        public int ConsecutiveFailures { get; init; }
    }
}
