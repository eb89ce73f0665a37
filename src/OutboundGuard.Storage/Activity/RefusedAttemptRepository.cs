using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Activity;

/// <summary>
/// Attempts refused at MAIL FROM (suspended or throttled account), per account and minute (table
/// <c>refused_attempts</c>): each node adds its in-memory counts in one statement per flush; the console reads them
/// back per minute or hour for the charts, per window for the account's timeline, and as totals for the API.
/// </summary>
public sealed class RefusedAttemptRepository(NpgsqlDataSource dataSource)
{
    // The join drops the counts of an account deleted meanwhile instead of failing the whole batch.
    private const string AddSql = """
        INSERT INTO refused_attempts AS r (account_id, minute, suspended, throttled)
        SELECT u.account_id, u.minute, u.suspended, u.throttled
        FROM unnest(@AccountIds::bigint[], @Minutes::timestamptz[], @Suspended::int[], @Throttled::int[]) AS u(account_id, minute, suspended, throttled)
        JOIN accounts a ON a.id = u.account_id
        ON CONFLICT (account_id, minute) DO UPDATE
        SET suspended = r.suspended + excluded.suspended, throttled = r.throttled + excluded.throttled
        """;

    /// <summary>Adds the counts to their account-minute rows (several nodes add to the same row) in one statement.</summary>
    public async Task AddAsync(IReadOnlyList<RefusedAttemptCount> counts, CancellationToken cancellationToken)
    {
        if (counts.Count == 0)
        {
            return;
        }

        // The same account-minute twice in one statement would fail ON CONFLICT ("cannot affect row a second time").
        var merged = counts.GroupBy(c => (c.AccountId, c.Minute.UtcTicks))
            .Select(g => new RefusedAttemptCount(g.Key.AccountId, g.First().Minute, g.Sum(c => c.Suspended), g.Sum(c => c.Throttled)))
            .OrderBy(c => c.AccountId).ThenBy(c => c.Minute).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(AddSql, new
        {
            AccountIds = merged.Select(c => c.AccountId).ToArray(),
            Minutes = merged.Select(c => c.Minute.UtcDateTime).ToArray(),
            Suspended = merged.Select(c => c.Suspended).ToArray(),
            Throttled = merged.Select(c => c.Throttled).ToArray(),
        }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string BucketsSql = """
        SELECT coalesce(@accountId::bigint, 0) AS account_id, date_bin(@step, minute, '2000-01-01 00:00:00+00') AS minute,
               sum(suspended)::int AS suspended, sum(throttled)::int AS throttled
        FROM refused_attempts
        WHERE minute >= @from AND minute < @to AND (@accountId::bigint IS NULL OR account_id = @accountId)
        GROUP BY 2 ORDER BY 2
        """;

    /// <summary>
    /// Refused attempts in [from, to) in buckets of <paramref name="step"/> (a minute, an hour, 10 min), of one account or
    /// all (then <see cref="RefusedAttemptCount.AccountId"/> is 0), oldest first; empty buckets are left out.
    /// </summary>
    public async Task<IReadOnlyList<RefusedAttemptCount>> BucketsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, long? accountId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long AccountId, DateTime Minute, int Suspended, int Throttled)>(new CommandDefinition(BucketsSql,
            new { from, to, step, accountId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new RefusedAttemptCount(r.AccountId, new DateTimeOffset(DateTime.SpecifyKind(r.Minute, DateTimeKind.Utc)), r.Suspended, r.Throttled))];
    }
}
