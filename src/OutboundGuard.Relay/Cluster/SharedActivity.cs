using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Counters;

namespace OutboundGuard.Cluster;

/// <summary>
/// Makes the in-memory activity windows of each node see every node's traffic. Each node counts its
/// message attempts per account and minute and adds them to <c>account_minute_counts</c> (batched by
/// <see cref="SharedActivityService"/>; at once for an account near its limits), and merges the other
/// nodes' counts into <see cref="AccountActivityTracker"/> as differences to what it merged before. Before
/// a message of an account near its limits is scored, its count is written and the others' read, so of two
/// nodes scoring that account at the same moment, at least one sees the other's message. A node that knows of no
/// other running node (<see cref="ClusterPeers"/>) skips the synchronous share: nothing to read, and the write costs
/// two round trips and a WAL flush per message group at full speed.
/// </summary>
internal sealed partial class SharedActivity(SharedCounterRepository repository, AccountActivityTracker tracker, ClusterPeers peers, IOptions<ClusterOptions> options, TimeProvider time, ILogger<SharedActivity> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(long AccountId, DateTime Minute), Pending> _pending = [];
    private readonly Dictionary<(long AccountId, DateTime Minute, string Node), (int Messages, int Recipients)> _merged = [];
    private DateTime _readSince = DateTime.MinValue;
    private long _syncs;

    /// <summary>This node's name in the shared table.</summary>
    public string Node => options.Value.NodeName;

    /// <summary>Messages whose counts were shared synchronously (account near its limits) since start.</summary>
    public long SynchronousShares => Interlocked.Read(ref _syncs);

    /// <summary>
    /// Counts a message attempt of this node; for an account near its limits, shares it and merges the other
    /// nodes' counts now. Storage failures are logged: the message is then scored on what this node knows.
    /// </summary>
    public async Task BeforeScoringAsync(long accountId, int recipients, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            var key = (accountId, MinuteOf(now));
            _pending[key] = _pending.TryGetValue(key, out var p) ? new Pending(p.Messages + 1, p.Recipients + recipients, now) : new Pending(1, recipients, now);
        }

        // A node alone has no one to read from; its counts are written by the periodic flush.
        if (!peers.AnyRunning)
        {
            return;
        }

        var (messages, recipientsLastMinute) = tracker.LastMinute(accountId);
        if (messages + 1 < options.Value.SyncFromMessagesPerMinute && recipientsLastMinute + recipients < options.Value.SyncFromRecipientsPerMinute)
        {
            return;
        }

        Interlocked.Increment(ref _syncs);
        try
        {
            // Written and read together with the other sessions of this node syncing at the same moment.
            await SyncAsync(accountId, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            ClusterLog.CountersFailed(logger, e);
        }
    }

    /// <summary>Writes this node's pending counts (of one account, or all) to the shared table.</summary>
    public async Task FlushAsync(long? accountId, CancellationToken cancellationToken)
    {
        List<MinuteCount> batch = [];
        lock (_lock)
        {
            foreach (var ((account, minute), p) in _pending)
            {
                if (accountId is null || account == accountId)
                {
                    batch.Add(new MinuteCount(account, minute, Node, p.Messages, p.Recipients, p.LastAt));
                }
            }

            foreach (var c in batch)
            {
                _pending.Remove((c.AccountId, c.Minute));
            }
        }

        try
        {
            await repository.AddAsync(batch, cancellationToken);
        }
        catch
        {
            // Not written: keep the counts for the next flush.
            lock (_lock)
            {
                foreach (var c in batch)
                {
                    var key = (c.AccountId, c.Minute);
                    _pending[key] = _pending.TryGetValue(key, out var p)
                        ? new Pending(p.Messages + c.Messages, p.Recipients + c.Recipients, p.LastAt > c.LastAt ? p.LastAt : c.LastAt)
                        : new Pending(c.Messages, c.Recipients, c.LastAt);
                }
            }

            throw;
        }
    }

    /// <summary>Reads what the other nodes wrote since the last read and merges it.</summary>
    public async Task PullAsync(CancellationToken cancellationToken)
    {
        var (rows, readAt) = await repository.ReadOthersAsync(Node, _readSince, null, cancellationToken);
        Merge(rows);

        // Rows are read again for a while: one written by a transaction that committed late is not missed.
        _readSince = readAt.AddSeconds(-5);
    }

    /// <summary>
    /// After a restart: restores the windows from the recent verdicts (of every node), then takes the other
    /// nodes' current counts as already merged, since those verdicts include them.
    /// </summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var window = options.Value.RestoreWindow;
        var attempts = await repository.RecentAttemptsAsync(window, 200_000, cancellationToken);
        foreach (var group in attempts.GroupBy(a => a.AccountId))
        {
            tracker.Seed(group.Key, group.Where(a => a.Relayed).Select(a => (new DateTimeOffset(DateTime.SpecifyKind(a.DecidedAt, DateTimeKind.Utc)), a.Recipients)));
            foreach (var refused in group.Where(a => !a.Relayed))
            {
                tracker.RecordRemote(group.Key, new DateTimeOffset(DateTime.SpecifyKind(refused.DecidedAt, DateTimeKind.Utc)), 1, refused.Recipients);
            }
        }

        var (rows, readAt) = await repository.ReadOthersAsync(Node, DateTime.MinValue, null, cancellationToken);
        lock (_lock)
        {
            foreach (var row in rows)
            {
                _merged[(row.AccountId, row.Minute, row.Node)] = (row.Messages, row.Recipients);
            }
        }

        _readSince = readAt.AddSeconds(-5);
        ClusterLog.CountersRestored(logger, Node, attempts.Count, attempts.Select(a => a.AccountId).Distinct().Count(), window.TotalHours);
    }

    /// <summary>Forgets merge bookkeeping of minutes older than a day.</summary>
    public void Trim()
    {
        var oldest = time.GetUtcNow().UtcDateTime.AddDays(-1);
        lock (_lock)
        {
            foreach (var key in _merged.Keys.Where(k => k.Minute < oldest).ToList())
            {
                _merged.Remove(key);
            }
        }
    }

    private void Merge(IReadOnlyList<MinuteCount> rows)
    {
        lock (_lock)
        {
            foreach (var row in rows)
            {
                var key = (row.AccountId, row.Minute, row.Node);
                var seen = _merged.TryGetValue(key, out var s) ? s : (0, 0);
                var messages = row.Messages - seen.Item1;
                var recipients = row.Recipients - seen.Item2;
                if (messages > 0 || recipients > 0)
                {
                    tracker.RecordRemote(row.AccountId, new DateTimeOffset(DateTime.SpecifyKind(row.LastAt, DateTimeKind.Utc)), Math.Max(0, messages), Math.Max(0, recipients));
                    _merged[key] = (row.Messages, row.Recipients);
                }
            }
        }
    }

    private static DateTime MinuteOf(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);

    private readonly record struct Pending(int Messages, int Recipients, DateTime LastAt);
}
