using System.Threading.Channels;
using Npgsql;

namespace OutboundGuard.Storage.Postgres;

/// <summary>
/// Group commit: items handed over at the same moment are written by one background loop in one transaction (one
/// round trip, one WAL flush) instead of one each, and each waiter is completed only after the transaction that holds
/// its item committed. When a group fails, every waiter of it gets the failure; when the server refused the
/// transaction (a <see cref="PostgresException"/>: nothing of it committed), each item is committed on its own, so an
/// item the database refuses fails only its own waiter. The spool's message rows and the delivery queue's attempts
/// both commit through it.
/// </summary>
/// <typeparam name="TItem">What a waiter hands over.</typeparam>
/// <typeparam name="TResult">What each waiter learns once its item committed.</typeparam>
internal sealed class GroupCommit<TItem, TResult>
{
    /// <summary>
    /// Writes a group in one transaction and returns one result per item, in order: a group as taken from the queue,
    /// or one item retried on its own after the server refused its group.
    /// </summary>
    public delegate Task<TResult[]> CommitBatch(IReadOnlyList<TItem> items);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxBatch;
    private readonly CommitBatch _commit;
    private readonly Func<Exception> _stopped;
    private readonly Task _loop;
    private long _batches;
    private long _items;

    /// <param name="maxBatch">Items written in one transaction at most.</param>
    /// <param name="commit">Writes one group.</param>
    /// <param name="stopped">The failure a waiter gets when it hands over an item after <see cref="StopAsync"/>.</param>
    public GroupCommit(int maxBatch, CommitBatch commit, Func<Exception> stopped)
    {
        _maxBatch = maxBatch;
        _commit = commit;
        _stopped = stopped;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items committed so far.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Hands an item over; completes once its transaction committed, or with the failure.</summary>
    public Task<TResult> CommitAsync(TItem item)
    {
        // Continuations run where the group is completed (CompleteWaiters), not one thread pool item each.
        var pending = new Pending(item, new TaskCompletionSource<TResult>());
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromException<TResult>(_stopped());
    }

    /// <summary>Stops taking items, commits those already handed over, and waits for the loop to end.</summary>
    public async ValueTask StopAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let waiters finishing at the same moment join this group.
            await Task.Yield();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await CommitGroupAsync(batch).ConfigureAwait(false);
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // The server refused the transaction, so none of it committed: one item must not cost the others.
                foreach (var pending in batch)
                {
                    await CommitGroupAsync([pending]).ConfigureAwait(false);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Commits the group and completes its waiters: all with their results, or all with the failure.</summary>
    /// <exception cref="PostgresException">The server refused a transaction of several items (nothing committed; the waiters are not completed).</exception>
    private async Task CommitGroupAsync(List<Pending> batch)
    {
        TResult[] results;
        try
        {
            var items = new TItem[batch.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = batch[i].Item;
            }

            results = await _commit(items).ConfigureAwait(false);
        }
        catch (PostgresException) when (batch.Count > 1)
        {
            throw;
        }
#pragma warning disable CA1031 // Every failure goes to the waiters, who answer or retry.
        catch (Exception e)
#pragma warning restore CA1031
        {
            CompleteWaiters(batch, null, e);
            return;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        CompleteWaiters(batch, results, null);
    }

    /// <summary>
    /// Completes a group's waiters on one thread pool item: each waiter's continuation (its session's reply, its
    /// delivery's bookkeeping) runs there in turn, so a group of twenty costs one hop instead of twenty, and the loop
    /// goes on to the next group at once instead of running them itself.
    /// </summary>
    private static void CompleteWaiters(List<Pending> batch, TResult[]? results, Exception? failure)
    {
        ThreadPool.UnsafeQueueUserWorkItem(static group =>
        {
            for (var i = 0; i < group.Waiters.Length; i++)
            {
                if (group.Failure is { } failure)
                {
                    group.Waiters[i].Done.TrySetException(failure);
                }
                else
                {
                    group.Waiters[i].Done.TrySetResult(group.Results![i]);
                }
            }
        }, new CommittedGroup([.. batch], results, failure), preferLocal: false);
    }

    private sealed record CommittedGroup(Pending[] Waiters, TResult[]? Results, Exception? Failure);

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
