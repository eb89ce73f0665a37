using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Alerts;

/// <summary>Which alerts were sent about which state change, so that of several nodes exactly one sends each.</summary>
public sealed class AlertLogRepository(NpgsqlDataSource dataSource)
{
    private const string ClaimSql = """
        INSERT INTO alerts_sent (state_history_id, channel, node, folded_at)
        VALUES (@historyId, @channel, @node, CASE WHEN @folded THEN now() END)
        ON CONFLICT (state_history_id, channel) DO NOTHING
        """;

    /// <summary>Claims the alert on <paramref name="channel"/> to send now; false when another node (or an earlier run) has it.</summary>
    public Task<bool> TryClaimAsync(long historyId, string channel, string node, CancellationToken cancellationToken = default)
        => TryClaimAsync(historyId, channel, node, folded: false, cancellationToken);

    /// <summary>
    /// Claims the alert on <paramref name="channel"/> for one state change; false when another node (or an earlier run) has it.
    /// A <paramref name="folded"/> claim is not sent now but left for the next digest (<see cref="TakeFoldedAsync"/>).
    /// </summary>
    public async Task<bool> TryClaimAsync(long historyId, string channel, string node, bool folded, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(ClaimSql, new { historyId, channel, node, folded }, cancellationToken: cancellationToken)) == 1;
    }

    private const string SentTodaySql = """
        SELECT count(DISTINCT s.state_history_id) FILTER (WHERE t.domain = @tenant) AS tenant,
               count(DISTINCT s.state_history_id) AS total
        FROM alerts_sent s
        JOIN account_state_history h ON h.id = s.state_history_id
        JOIN accounts a ON a.id = h.account_id JOIN tenants t ON t.id = a.tenant_id
        WHERE s.claimed_at >= @since AND s.folded_at IS NULL
        """;

    /// <summary>Alerts sent at once (not folded) since <paramref name="since"/>: for the tenant, and in all.</summary>
    public async Task<(long Tenant, long Total)> SentSinceAsync(string tenant, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(SentTodaySql, new { tenant, since }, cancellationToken: cancellationToken));
    }

    private const string TakeFoldedSql = """
        WITH taken AS (
            UPDATE alerts_sent SET digested_at = now() WHERE folded_at IS NOT NULL AND digested_at IS NULL
            RETURNING state_history_id, channel)
        SELECT taken.channel, h.id, h.from_state, h.to_state, h.reason, h.actor, h.changed_at, a.address, t.domain AS tenant, t.admin_email, a.throttled_until
        FROM taken JOIN account_state_history h ON h.id = taken.state_history_id
        JOIN accounts a ON a.id = h.account_id JOIN tenants t ON t.id = a.tenant_id
        ORDER BY h.changed_at, h.id
        """;

    /// <summary>Takes every folded alert not yet in a digest (each node's digest takes each alert once), with the channel it was folded on.</summary>
    public async Task<IReadOnlyList<(string Channel, StateChangeForAlert Change)>> TakeFoldedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string, StateChangeForAlert, (string, StateChangeForAlert)>(
            new CommandDefinition(TakeFoldedSql, cancellationToken: cancellationToken), (channel, change) => (channel, change), splitOn: "id")).AsList();
    }

    private const string AttemptSql = """
        UPDATE alerts_sent SET attempts = attempts + 1, last_error = @error, sent_at = CASE WHEN @error::text IS NULL THEN now() ELSE NULL END
        WHERE state_history_id = @historyId AND channel = @channel
        """;

    /// <summary>Records one attempt: sent when <paramref name="error"/> is null.</summary>
    public async Task RecordAttemptAsync(long historyId, string channel, string? error, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AttemptSql, new { historyId, channel, error }, cancellationToken: cancellationToken));
    }

    private const string LatestChangeSql = """
        SELECT h.id, h.from_state, h.to_state, h.reason, h.actor, h.changed_at, a.address, t.domain AS tenant, t.admin_email, a.throttled_until
        FROM account_state_history h JOIN accounts a ON a.id = h.account_id JOIN tenants t ON t.id = a.tenant_id
        WHERE h.account_id = @accountId
        ORDER BY h.changed_at DESC, h.id DESC LIMIT 1
        """;

    /// <summary>The account's latest state change with what an alert needs, or null.</summary>
    public async Task<StateChangeForAlert?> LatestChangeAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StateChangeForAlert>(new CommandDefinition(LatestChangeSql, new { accountId }, cancellationToken: cancellationToken));
    }

    private const string StatusSql = "SELECT attempts, last_error, sent_at FROM alerts_sent WHERE state_history_id = @historyId AND channel = @channel";

    /// <summary>Attempts, last error and when it was sent, for one alert; null when never claimed.</summary>
    public async Task<(int Attempts, string? LastError, DateTimeOffset? SentAt)?> StatusAsync(long historyId, string channel, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<(int, string?, DateTimeOffset?)?>(new CommandDefinition(StatusSql, new { historyId, channel }, cancellationToken: cancellationToken));
    }

    private const string DeliveriesSql = """
        SELECT s.state_history_id AS change_id, a.address AS account, t.domain AS tenant, h.to_state, s.channel, s.node,
               s.attempts, s.last_error, s.claimed_at, s.sent_at, s.folded_at, s.digested_at
        FROM alerts_sent s
        JOIN account_state_history h ON h.id = s.state_history_id
        JOIN accounts a ON a.id = h.account_id JOIN tenants t ON t.id = a.tenant_id
        WHERE (@account::text IS NULL OR a.address = @account)
        ORDER BY s.claimed_at DESC, s.state_history_id DESC, s.channel LIMIT @limit
        """;

    /// <summary>The latest alert deliveries, newest first, optionally about one account.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string? account, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AlertDelivery>(new CommandDefinition(DeliveriesSql, new { account, limit }, cancellationToken: cancellationToken))).AsList();
    }
}
