namespace OutboundGuard.Cluster;

/// <summary>
/// The synchronous share of accounts near their limits, grouped: the sessions of this node that need it at
/// the same moment are served by one write of the pending counts and one read of the other nodes' per
/// account, instead of a write and a read each. The guarantee is unchanged: a message's count is added to
/// the pending counts before its session joins a group, the group's write takes every pending count after
/// the group is closed, and the group's read follows its committed write; the session scores only after both.
/// </summary>
internal sealed partial class SharedActivity : IDisposable
{
    private readonly SemaphoreSlim _syncTurn = new(1, 1);
    private List<SyncWaiter> _syncWaiting = [];
    private long _syncGroups;

    /// <summary>Groups of synchronous shares written since start (each one write, one read per account).</summary>
    public long SynchronousGroups => Interlocked.Read(ref _syncGroups);

    public void Dispose() => _syncTurn.Dispose();

    private async Task SyncAsync(long accountId, CancellationToken cancellationToken)
    {
        var waiter = new SyncWaiter(accountId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            _syncWaiting.Add(waiter);
        }

        await _syncTurn.WaitAsync(cancellationToken);
        try
        {
            if (!waiter.Done.Task.IsCompleted)
            {
                // This session leads the group of every session waiting now, itself included.
                List<SyncWaiter> group;
                lock (_lock)
                {
                    group = _syncWaiting;
                    _syncWaiting = [];
                }

                await RunGroupAsync(group);
            }
        }
        finally
        {
            _syncTurn.Release();
        }

        await waiter.Done.Task;
    }

    private async Task RunGroupAsync(List<SyncWaiter> group)
    {
        try
        {
            // Not the leader's token: the group's other sessions must not fail because the leader's client left.
            var now = time.GetUtcNow().UtcDateTime;
            await FlushAsync(null, CancellationToken.None);
            foreach (var accountId in group.Select(w => w.AccountId).Distinct())
            {
                var (rows, _) = await repository.ReadOthersAsync(Node, now.AddMinutes(-15), accountId, CancellationToken.None);
                Merge(rows);
            }

            Interlocked.Increment(ref _syncGroups);
            foreach (var waiter in group)
            {
                waiter.Done.TrySetResult();
            }
        }
#pragma warning disable CA1031 // Every failure goes to the group's sessions, which log it and score on what this node knows.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var waiter in group)
            {
                waiter.Done.TrySetException(e);
            }
        }
    }

    private sealed record SyncWaiter(long AccountId, TaskCompletionSource Done);
}
