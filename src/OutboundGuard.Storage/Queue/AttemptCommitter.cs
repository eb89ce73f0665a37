using Npgsql;
using NpgsqlTypes;
using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Storage.Queue;

/// <summary>
/// Group commit (<see cref="GroupCommit{TItem, TResult}"/>) of delivery attempts. Attempts that finish at the same
/// moment are recorded in one transaction sent as one batch (one round trip, one WAL flush) instead of one each.
/// Every attempt keeps its own lease check: its row is updated and its replies inserted only while its owner still
/// holds the lease, and its caller learns whether that was so. A message whose spool file goes right after the commit
/// is marked removed in its own update (<see cref="AttemptCompletion.RemovesSpoolFile"/>). A waiter is completed only
/// after the group that holds its attempt committed; when a group fails, every waiter of it gets the failure (and
/// retries); when the server refused the transaction (nothing of it committed), each attempt is committed on its own.
/// </summary>
internal sealed class AttemptCommitter
{
    /// <summary>Attempts written in one transaction at most.</summary>
    public const int MaxBatch = 128;

    private const string CompleteSql = """
        WITH u AS (
            UPDATE messages
            SET state = $3,
                pending_recipients = $4,
                failed_recipients = failed_recipients || $5,
                next_attempt_at = CASE WHEN $3 = 'deferred' THEN now() + $6 ELSE next_attempt_at END,
                last_reply = $7,
                lease_owner = NULL, lease_expires_at = NULL,
                final_at = CASE WHEN $3 IN ('delivered', 'bounced', 'failed') THEN now() ELSE NULL END,
                spool_removed_at = CASE WHEN $14 THEN now() ELSE spool_removed_at END,
                updated_at = now()
            WHERE id = $1 AND state = 'delivering' AND lease_owner = $2
            RETURNING id),
        a AS (
            INSERT INTO delivery_attempts (message_id, account_id, route, outcome, reply_code, reply_text, recipient)
            SELECT u.id, $8, $9, x.outcome, x.code, x.text, x.recipient
            FROM u, unnest($10::text[], $11::int[], $12::text[], $13::text[]) AS x(outcome, code, text, recipient))
        SELECT count(*)::int FROM u
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit<AttemptCompletion, bool> _group;

    public AttemptCommitter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _group = new GroupCommit<AttemptCompletion, bool>(MaxBatch, CommitBatchAsync, () => new InvalidOperationException("The delivery recorder is stopped."));
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => _group.Batches;

    /// <summary>
    /// Records one attempt (without a DSN); returns once its group committed: true when the row was updated,
    /// false (nothing written for it) when <see cref="AttemptCompletion.LeaseOwner"/> no longer holds the lease.
    /// </summary>
    public Task<bool> CommitAsync(AttemptCompletion completion) => _group.CommitAsync(completion);

    private async Task<bool[]> CommitBatchAsync(IReadOnlyList<AttemptCompletion> batch)
    {
        // One implicit transaction, as the spool's group (SpoolCommitter): committed at the batch's Sync, no COMMIT round trip.
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlBatch(connection);
        foreach (var completion in batch)
        {
            command.BatchCommands.Add(CompleteCommand(completion));
        }

        var updated = new bool[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("A delivery attempt's statement returned no result.");
                }

                updated[i] = await reader.ReadAsync().ConfigureAwait(false) && reader.GetInt32(0) == 1;
            }

            // Read through to the batch's end, so a failure of its last statement or of the commit is thrown here.
            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
            }
        }

        return updated;
    }

    /// <summary>The statement recording one attempt: the row's new state, guarded by the lease, and its replies; returns 1 row (1 when updated).</summary>
    internal static NpgsqlBatchCommand CompleteCommand(AttemptCompletion c)
    {
        // The replies' columns in one pass (this runs per delivered message).
        var count = c.Attempts.Count;
        var outcomes = new string[count];
        var codes = new int?[count];
        var texts = new string[count];
        var recipients = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var attempt = c.Attempts[i];
            (outcomes[i], codes[i], texts[i], recipients[i]) = (attempt.Outcome, attempt.Code, attempt.Text, attempt.Recipient);
        }

        return new(CompleteSql)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = c.MessageId, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter { Value = c.LeaseOwner, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = MessageStates.ToText(c.State), NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = c.PendingRecipients, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = c.NewlyFailedRecipients, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = c.RetryAfter, NpgsqlDbType = NpgsqlDbType.Interval },
                new NpgsqlParameter { Value = (object?)c.LastReply ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = (object?)c.AccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter { Value = c.Route, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = outcomes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = codes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new NpgsqlParameter { Value = texts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = recipients, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter { Value = c.RemovesSpoolFile, NpgsqlDbType = NpgsqlDbType.Boolean },
            },
        };
    }

    /// <summary>Stops taking attempts and waits until those handed over are committed.</summary>
    public ValueTask StopAsync() => _group.StopAsync();
}
