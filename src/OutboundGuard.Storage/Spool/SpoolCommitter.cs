using Npgsql;
using NpgsqlTypes;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Postgres;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// Group commit (<see cref="GroupCommit{TItem, TResult}"/>) of accepted messages. Sessions hand over their envelope row and verdict; one background loop
/// takes every row waiting, fsyncs each spool subfolder those rows' files were created in once, writes all
/// rows and verdicts in one transaction (one round trip, one WAL flush) and only then completes each
/// waiter. A waiter is completed only after its own row committed; when a batch fails, every waiter of that
/// batch gets the failure (the session answers 451 and the client keeps the message), except when the server
/// refused the transaction (nothing of it committed): then each row is committed on its own, so a row the
/// database refuses fails only its own session.
/// </summary>
public sealed class SpoolCommitter : IAsyncDisposable
{
    /// <summary>Rows written in one transaction at most.</summary>
    public const int MaxBatch = 128;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<Pending, bool> _group;

    public SpoolCommitter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _group = new GroupCommit<Pending, bool>(MaxBatch, CommitBatchAsync, () => new IOException("The spool is shutting down."));
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => _group.Batches;

    /// <summary>Rows committed so far.</summary>
    public long Rows => _group.Items;

    /// <summary>
    /// Durably accepts a message whose content file is already fsynced: returns once its folder is synced and
    /// its row (and <paramref name="verdict"/>) have committed.
    /// </summary>
    /// <exception cref="IOException">The folder could not be synced, or the committer is stopping.</exception>
    /// <exception cref="NpgsqlException">The transaction failed.</exception>
    public Task CommitAsync(SpooledMessage message, VerdictRow? verdict) => _group.CommitAsync(new Pending(message, verdict));

    private async Task<bool[]> CommitBatchAsync(IReadOnlyList<Pending> batch, bool wholeGroup)
    {
        foreach (var folder in batch.Select(p => Path.GetDirectoryName(p.Message.SpoolPath)!).Distinct(StringComparer.Ordinal))
        {
            NativeMethods.FsyncDirectory(folder);
        }

        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, transaction);
        var queued = false;
        foreach (var pending in batch)
        {
            command.BatchCommands.Add(InsertCommand(pending.Message));
            if (pending.Verdict is { } verdict)
            {
                command.BatchCommands.Add(VerdictRepository.InsertCommand(verdict));
                if (verdict.BodyFingerprint is not null)
                {
                    command.BatchCommands.Add(CampaignFingerprintRepository.RecordCommand(pending.Message.Id, verdict.AccountId, verdict.BodyFingerprint));
                }
            }

            queued |= pending.Message.State == MessageState.Queued;
        }

        if (queued)
        {
            command.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{SpooledMessageRepository.QueuedChannel}', '')"));
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return new bool[batch.Count];
    }

    private const string InsertSql = """
        INSERT INTO messages (id, account_id, session_id, client_ip, envelope_from, recipients, recipient_notify, dsn_ret, dsn_envid,
                              size_octets, spool_path, subject, header_from, state, route, next_attempt_at)
        VALUES ($1, $2, $3, $4::inet, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now() + coalesce($16, interval '0'))
        """;

    private static NpgsqlBatchCommand InsertCommand(SpooledMessage message) => new(InsertSql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = message.Id, NpgsqlDbType = NpgsqlDbType.Uuid },
            new NpgsqlParameter { Value = (object?)message.AccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = message.SessionId, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.ClientIp, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.EnvelopeFrom, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.Recipients.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.RecipientNotify?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.DsnRet ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.DsnEnvid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.SizeOctets, NpgsqlDbType = NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = message.SpoolPath, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.Subject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.HeaderFrom ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = MessageStates.ToText(message.State), NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.Route, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)message.HoldFor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval },
        },
    };

    /// <summary>Stops taking rows, commits those already handed over, and waits for the loop to end.</summary>
    public ValueTask DisposeAsync() => _group.StopAsync();

    private sealed record Pending(SpooledMessage Message, VerdictRow? Verdict);
}
