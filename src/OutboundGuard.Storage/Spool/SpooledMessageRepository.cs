using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Spool;

/// <summary>Commits the envelope rows of accepted messages (the content file is synced before).</summary>
public sealed class SpooledMessageRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The LISTEN/NOTIFY channel on which new queued messages are announced.</summary>
    public const string QueuedChannel = "outboundguard_queued";

    private const string InsertSql = """
        INSERT INTO messages (id, account_id, session_id, client_ip, envelope_from, recipients, recipient_notify, dsn_ret, dsn_envid,
                              size_octets, spool_path, subject, header_from, state, route)
        VALUES (@Id, @AccountId, @SessionId, @ClientIp::inet, @EnvelopeFrom, @Recipients, @RecipientNotify, @DsnRet, @DsnEnvid,
                @SizeOctets, @SpoolPath, @Subject, @HeaderFrom, @State, @Route)
        """;

    /// <summary>
    /// Commits the row, and whatever <paramref name="alsoInTransaction"/> writes (the verdict), in one
    /// transaction; when this returns, the message is durably accepted.
    /// </summary>
    public async Task InsertAsync(SpooledMessage message, Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            message.Id,
            message.AccountId,
            message.SessionId,
            message.ClientIp,
            message.EnvelopeFrom,
            Recipients = message.Recipients.ToArray(),
            RecipientNotify = message.RecipientNotify?.ToArray(),
            message.DsnRet,
            message.DsnEnvid,
            message.SizeOctets,
            message.SpoolPath,
            message.Subject,
            message.HeaderFrom,
            State = MessageStates.ToText(message.State),
            message.Route,
        }, transaction, cancellationToken: cancellationToken));
        if (alsoInTransaction is not null)
        {
            await alsoInTransaction(connection, transaction);
        }

        if (message.State == MessageState.Queued)
        {
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{QueuedChannel}', '')", transaction: transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private const string MoveAccountQueueSql = """
        UPDATE messages SET state = 'quarantined', updated_at = now()
        WHERE account_id = @accountId AND state IN ('queued', 'held', 'deferred')
        """;

    /// <summary>Moves an account's not-yet-delivered mail to quarantine (when it is suspended). Returns how many.</summary>
    public async Task<int> QuarantineQueuedForAccountAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(MoveAccountQueueSql, new { accountId }, cancellationToken: cancellationToken));
    }

    private const string CountByStateSql = "SELECT state, count(*) FROM messages WHERE (@accountId::bigint IS NULL OR account_id = @accountId) GROUP BY state";

    /// <summary>Messages by state, for one account or all.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(long? accountId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition(CountByStateSql, new { accountId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
    }
}
