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
/// database refuses fails only its own session. When the spool syncs as a group (<see cref="SpoolSync.Group"/>), one
/// <c>syncfs</c> of the spool's file system replaces the sessions' file fsyncs and the folder fsyncs
/// (<see cref="SpoolFileSystemSync"/>).
/// </summary>
public sealed class SpoolCommitter : IAsyncDisposable
{
    /// <summary>Rows written in one transaction at most.</summary>
    public const int MaxBatch = 128;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<Pending, bool> _group;
    private readonly HashSet<string> _syncedFolders = new(StringComparer.Ordinal);
    private readonly SpoolFileSystemSync? _groupSync;

    /// <summary>A committer for a spool whose files are fsynced by their sessions (<see cref="SpoolSync.File"/>).</summary>
    public SpoolCommitter(NpgsqlDataSource dataSource)
        : this(dataSource, null)
    {
    }

    /// <summary>A committer for <paramref name="spool"/>, synced as that spool says (<see cref="FileSpool.Sync"/>).</summary>
    public SpoolCommitter(NpgsqlDataSource dataSource, FileSpool? spool)
    {
        _dataSource = dataSource;
        _groupSync = spool?.GroupSync;
        _group = new GroupCommit<Pending, bool>(MaxBatch, CommitBatchAsync, () => new IOException("The spool is shutting down."));
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => _group.Batches;

    /// <summary>Rows committed so far.</summary>
    public long Rows => _group.Items;

    /// <summary>
    /// Durably accepts a message whose content file is written (and already fsynced, unless the spool syncs as a
    /// group): returns once its file is durable (its folder synced, or its group's file system synced) and its row
    /// (and <paramref name="verdict"/>) have committed.
    /// </summary>
    /// <exception cref="IOException">The file or folder could not be synced, or the committer is stopping.</exception>
    /// <exception cref="NpgsqlException">The transaction failed.</exception>
    public async Task CommitAsync(SpooledMessage message, VerdictRow? verdict)
    {
        if (!await _group.CommitAsync(new Pending(message, verdict)).ConfigureAwait(false))
        {
            throw new IOException("A write-back error of the spool's file system was reported while this message's file was being written; its row was not stored.");
        }
    }

    /// <summary>Makes the batch's files durable, then commits the rows of those whose files are; true for each row committed.</summary>
    private async Task<bool[]> CommitBatchAsync(IReadOnlyList<Pending> batch)
    {
        var durable = new bool[batch.Count];
        if (_groupSync is { } sync)
        {
            // Every file of the batch was written before its session handed the row over: one sync covers them all.
            sync.SyncAll();
            for (var i = 0; i < batch.Count; i++)
            {
                durable[i] = sync.WrittenSafely(batch[i].Message.SpoolSyncEpoch);
            }
        }
        else
        {
            SyncFolders(batch);
            Array.Fill(durable, true);
        }

        if (Array.IndexOf(durable, true) < 0)
        {
            return durable;
        }

        // One batch is one implicit transaction (Npgsql sends a single Sync after its last statement): all of it commits,
        // with its WAL flush, before the reply to that Sync, or none of it does. An explicit BEGIN … COMMIT would cost a
        // second round trip per group for the COMMIT.
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlBatch(connection);
        var queued = false;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (!durable[i])
            {
                continue;
            }

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
        return durable;
    }

    /// <summary>fsyncs each spool subfolder the batch's files were created in, once (a batch spans a few of the 256).</summary>
    private void SyncFolders(IReadOnlyList<Pending> batch)
    {
        // Only the group's loop calls this, one batch at a time: the set is reused rather than allocated per batch.
        _syncedFolders.Clear();
        foreach (var pending in batch)
        {
            var folder = Path.GetDirectoryName(pending.Message.SpoolPath)!;
            if (_syncedFolders.Add(folder))
            {
                NativeMethods.FsyncDirectory(folder);
            }
        }
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
            new NpgsqlParameter { Value = AsArray(message.Recipients), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = message.RecipientNotify is { } notify ? AsArray(notify) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
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

    /// <summary>The list as an array, without a copy when it is one already (the relay hands arrays over).</summary>
    private static string[] AsArray(IReadOnlyList<string> values) => values as string[] ?? [.. values];

    /// <summary>Stops taking rows, commits those already handed over, and waits for the loop to end.</summary>
    public ValueTask DisposeAsync() => _group.StopAsync();

    private sealed record Pending(SpooledMessage Message, VerdictRow? Verdict);
}
