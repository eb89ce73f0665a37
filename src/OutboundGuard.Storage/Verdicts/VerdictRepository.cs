using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using EvidenceItem = OutboundGuard.Domain.Evidence;

namespace OutboundGuard.Storage.Verdicts;

/// <summary>Every scoring decision with its evidence, also for refused messages that were never spooled.</summary>
public sealed class VerdictRepository(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO verdicts (account_id, message_id, session_id, action, score, reason, evidence, envelope_from, recipient_count, subject)
        VALUES (@accountId, @messageId, @sessionId, @action, @score, @reason, @evidence::jsonb, @envelopeFrom, @recipientCount, @subject)
        RETURNING id
        """;

    /// <summary>Stores a verdict and returns its id.</summary>
    public async Task<long> InsertAsync(long? accountId, Guid? messageId, string sessionId, Verdict verdict, string? envelopeFrom, int recipientCount, string? subject, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(connection, null, accountId, messageId, sessionId, verdict, envelopeFrom, recipientCount, subject, cancellationToken);
    }

    /// <summary>Stores a verdict inside the caller's transaction (with the message row it belongs to).</summary>
    public static Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long? accountId, Guid? messageId, string sessionId, Verdict verdict, string? envelopeFrom, int recipientCount, string? subject, CancellationToken cancellationToken)
    {
        return connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new
        {
            accountId,
            messageId,
            sessionId,
            action = verdict.Action.ToString(),
            score = verdict.Score,
            reason = verdict.Reason,
            evidence = JsonSerializer.Serialize(verdict.Evidence, Json),
            envelopeFrom,
            recipientCount,
            subject,
        }, transaction, cancellationToken: cancellationToken));
    }

    private const string InsertBatchSql = """
        INSERT INTO verdicts (account_id, message_id, session_id, action, score, reason, evidence, envelope_from, recipient_count, subject)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
        """;

    /// <summary>The insert of one verdict as a command of a batch (the group commit of accepted messages).</summary>
    internal static NpgsqlBatchCommand InsertCommand(VerdictRow row) => new(InsertBatchSql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = (object?)row.AccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = (object?)row.MessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
            new NpgsqlParameter { Value = row.SessionId, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = row.Verdict.Action.ToString(), NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = row.Verdict.Score, NpgsqlDbType = NpgsqlDbType.Double },
            new NpgsqlParameter { Value = row.Verdict.Reason, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = JsonSerializer.Serialize(row.Verdict.Evidence, Json), NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)row.EnvelopeFrom ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = row.RecipientCount, NpgsqlDbType = NpgsqlDbType.Integer },
            new NpgsqlParameter { Value = (object?)row.Subject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
        },
    };

    private const string LatestSql = """
        SELECT id, account_id, message_id, session_id, action, score, reason, evidence::text AS evidence, envelope_from, recipient_count, subject, decided_at
        FROM verdicts WHERE account_id = @accountId AND (@onlyFindings = false OR action <> 'Relay' OR score > 0)
        ORDER BY decided_at DESC, id DESC LIMIT @limit
        """;

    /// <summary>The account's latest verdicts, newest first; with <paramref name="onlyFindings"/>, only those with evidence or an action.</summary>
    public async Task<IReadOnlyList<VerdictRecord>> LatestForAccountAsync(long accountId, int limit = 20, bool onlyFindings = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<VerdictRecord>(new CommandDefinition(LatestSql, new { accountId, limit, onlyFindings }, cancellationToken: cancellationToken))).AsList();
    }

    private const string CountsSql = "SELECT action, count(*) FROM verdicts WHERE account_id = @accountId GROUP BY action";

    /// <summary>How many verdicts of each action the account has had.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsForAccountAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Action, long Count)>(new CommandDefinition(CountsSql, new { accountId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Action, r => r.Count, StringComparer.Ordinal);
    }

    internal static IReadOnlyList<EvidenceItem> ParseEvidence(string json) => JsonSerializer.Deserialize<List<EvidenceItem>>(json, Json) ?? [];

    private const string SuspendedThroughSql = """
        SELECT DISTINCT a.id AS Id, a.address AS Address FROM verdicts v JOIN accounts a ON a.id = v.account_id
        WHERE a.state = 'suspended' AND a.id <> @accountId AND v.action = 'Suspend'
          AND v.evidence::text ~ ('(suspended|throttled) account ' || @accountId::text || '([^0-9]|$)')
        ORDER BY a.address
        """;

    /// <summary>Accounts now suspended by a verdict whose evidence names <paramref name="accountId"/> as the suspended or throttled account it was linked to.</summary>
    public async Task<IReadOnlyList<(long Id, string Address)>> SuspendedThroughAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long Id, string Address)>(new CommandDefinition(SuspendedThroughSql, new { accountId }, cancellationToken: cancellationToken))).AsList();
    }
}
