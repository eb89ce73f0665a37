using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Activity;

/// <summary>Read-only figures for the review surface: volume over time (from verdicts, so refused messages count too) and delivery outcomes.</summary>
public sealed class ActivityRepository(NpgsqlDataSource dataSource)
{
    private const string VolumeSql = """
        SELECT date_trunc(@unit, decided_at) AS bucket, count(*) AS total, count(*) FILTER (WHERE action <> 'Relay') AS flagged,
               count(*) FILTER (WHERE action IN ('Relay', 'HighRiskRoute')) AS relayed, count(*) FILTER (WHERE action = 'Throttle') AS deferred,
               count(*) FILTER (WHERE action = 'Quarantine') AS held, count(*) FILTER (WHERE action = 'Suspend') AS refused
        FROM verdicts
        WHERE decided_at >= @from AND decided_at < @to AND (@accountId::bigint IS NULL OR account_id = @accountId)
        GROUP BY 1 ORDER BY 1
        """;

    /// <summary>Messages scored per hour in [from, to), of one account or all; empty buckets are left out.</summary>
    public Task<IReadOnlyList<VolumeBucket>> PerHourAsync(DateTimeOffset from, DateTimeOffset to, long? accountId = null, CancellationToken cancellationToken = default)
        => VolumeAsync("hour", from, to, accountId, cancellationToken);

    /// <summary>Messages scored per minute in [from, to), of one account or all; empty buckets are left out.</summary>
    public Task<IReadOnlyList<VolumeBucket>> PerMinuteAsync(DateTimeOffset from, DateTimeOffset to, long? accountId = null, CancellationToken cancellationToken = default)
        => VolumeAsync("minute", from, to, accountId, cancellationToken);

    private async Task<IReadOnlyList<VolumeBucket>> VolumeAsync(string unit, DateTimeOffset from, DateTimeOffset to, long? accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<VolumeBucket>(new CommandDefinition(VolumeSql, new { unit, from, to, accountId }, cancellationToken: cancellationToken))).AsList();
    }

    private const string OutcomesSql = """
        SELECT message_id, recipient, outcome, reply_code, reply_text, attempted_at FROM delivery_attempts
        WHERE account_id = @accountId ORDER BY attempted_at DESC, id DESC LIMIT @limit
        """;

    /// <summary>The account's latest downstream replies, newest first.</summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliveryOutcomesAsync(long accountId, int limit = 50, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliveryOutcome>(new CommandDefinition(OutcomesSql, new { accountId, limit }, cancellationToken: cancellationToken))).AsList();
    }

    private const string TopEvidenceSql = """
        SELECT e->>'text' AS text, count(*) AS count
        FROM verdicts v, jsonb_array_elements(v.evidence) e
        WHERE v.decided_at >= @since AND v.action <> 'Relay'
        GROUP BY 1 ORDER BY 2 DESC LIMIT @limit
        """;

    /// <summary>The evidence sentences seen most often on flagged verdicts since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<(string Text, long Count)>> TopEvidenceAsync(DateTimeOffset since, int limit = 10, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, long)>(new CommandDefinition(TopEvidenceSql, new { since, limit }, cancellationToken: cancellationToken))).AsList();
    }
}
