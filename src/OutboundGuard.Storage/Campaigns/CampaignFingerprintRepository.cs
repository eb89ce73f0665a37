using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Storage.Campaigns;

/// <summary>
/// Confirmed campaign fingerprints (so blocks survive restarts and reach every node) and the fingerprints
/// of held messages (so ops see which accounts sent the same body).
/// </summary>
public sealed partial class CampaignFingerprintRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The LISTEN/NOTIFY channel on which a changed block or URL list is announced (payload: what changed).</summary>
    public const string ListsChannel = "outboundguard_admin_lists";

    private const string UpsertSql = """
        INSERT INTO campaign_fingerprints (fingerprint, status, reason, actor) VALUES (@fingerprint, @status, @reason, @actor)
        ON CONFLICT (fingerprint) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, actor = EXCLUDED.actor, updated_at = now()
        """;

    /// <summary>Blocks or unblocks a fingerprint (16 hex digits), audited, announced on <see cref="ListsChannel"/>.</summary>
    /// <exception cref="FormatException">The fingerprint is not 16 hex digits.</exception>
    public async Task SetAsync(string fingerprint, bool blocked, string reason, string actor, CancellationToken cancellationToken = default)
    {
        fingerprint = Normalize(fingerprint);
        var status = blocked ? "blocked" : "unblocked";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new { fingerprint, status, reason, actor }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "campaign." + (blocked ? "block" : "unblock"), fingerprint, reason, null, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{ListsChannel}', 'campaigns')", transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private const string AnnounceSql = $"SELECT pg_notify('{ListsChannel}', @payload)";

    /// <summary>Publishes a command on <see cref="ListsChannel"/> for every node's scoring (this one included).</summary>
    public async Task AnnounceAsync(ListsChange change, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AnnounceSql, new { payload = change.Payload }, cancellationToken: cancellationToken));
    }

    private const string ListSql = "SELECT fingerprint, status, reason, actor, updated_at FROM campaign_fingerprints ORDER BY updated_at DESC";

    public async Task<IReadOnlyList<CampaignFingerprint>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CampaignFingerprint>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The insert of a message's fingerprint as one command of a batch (the spool's group commit writes it beside the message row).</summary>
    public static NpgsqlBatchCommand RecordCommand(Guid messageId, long? accountId, string fingerprint) => new(RecordBatchSql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = messageId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
            new NpgsqlParameter { Value = (object?)accountId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = Normalize(fingerprint), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
        },
    };

    private const string RecordBatchSql = "INSERT INTO message_fingerprints (message_id, account_id, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING";

    /// <summary>Remembers a held message's fingerprint (when scoring computed none at the time, e.g. before this was stored at scoring time).</summary>
    public async Task RecordSightingAsync(Guid messageId, long? accountId, string fingerprint, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { RecordCommand(messageId, accountId, fingerprint) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string SightingsSql = """
        SELECT f.message_id, f.fingerprint, f.account_id, a.address, m.subject, m.received_at
        FROM message_fingerprints f JOIN messages m ON m.id = f.message_id LEFT JOIN accounts a ON a.id = f.account_id
        WHERE m.received_at >= @since
        ORDER BY m.received_at DESC LIMIT @limit
        """;

    /// <summary>Fingerprints of messages received since <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<FingerprintSighting>> SightingsAsync(DateTimeOffset since, int limit = 5000, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<FingerprintSighting>(new CommandDefinition(SightingsSql, new { since, limit }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Lower-cases and checks a fingerprint of 16 hex digits.</summary>
    /// <exception cref="FormatException">It is not 16 hex digits.</exception>
    public static string Normalize(string fingerprint)
    {
        var f = fingerprint.Trim().ToLowerInvariant();
        if (!Hex16().IsMatch(f))
        {
            throw new FormatException($"'{fingerprint}' is not a body fingerprint (16 hex digits).");
        }

        return f;
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex Hex16();
}
