using System.Collections.Concurrent;
using OutboundGuard.Storage.Activity;

namespace OutboundGuard.Relay;

/// <summary>
/// This node's count of attempts refused at MAIL FROM (suspended: 550 5.7.1, throttled: 451 4.7.1), per account and
/// minute, in memory: recording one is a dictionary lookup and an interlocked increment, never I/O.
/// <see cref="RefusedAttemptWriter"/> drains the counts into <c>refused_attempts</c> in one statement per flush.
/// </summary>
internal sealed class RefusedAttempts(TimeProvider time, IRelayMetrics metrics)
{
    private sealed class Tally
    {
        public int Suspended;
        public int Throttled;
    }

    private readonly ConcurrentDictionary<(long AccountId, long MinuteTicks), Tally> _tallies = new();

    /// <summary>Counts one refused attempt of the account in the current minute.</summary>
    public void Record(long accountId, AccountState state)
    {
        var tally = _tallies.GetOrAdd((accountId, MinuteTicks(time.GetUtcNow())), static _ => new Tally());
        if (state == AccountState.Suspended)
        {
            Interlocked.Increment(ref tally.Suspended);
        }
        else
        {
            Interlocked.Increment(ref tally.Throttled);
        }

        metrics.AttemptRefused(state);
    }

    /// <summary>
    /// Takes the counts recorded since the last drain (each tally is read and zeroed atomically, so an attempt counted
    /// meanwhile goes to the next drain) and forgets minutes that ended more than a minute ago.
    /// </summary>
    public IReadOnlyList<RefusedAttemptCount> Drain()
    {
        var current = MinuteTicks(time.GetUtcNow());
        var counts = new List<RefusedAttemptCount>();
        foreach (var (key, tally) in _tallies)
        {
            var suspended = Interlocked.Exchange(ref tally.Suspended, 0);
            var throttled = Interlocked.Exchange(ref tally.Throttled, 0);
            if (suspended + throttled > 0)
            {
                counts.Add(new RefusedAttemptCount(key.AccountId, new DateTimeOffset(key.MinuteTicks, TimeSpan.Zero), suspended, throttled));
            }
            else if (key.MinuteTicks < current - TimeSpan.TicksPerMinute)
            {
                _tallies.TryRemove(key, out _);
            }
        }

        return counts;
    }

    /// <summary>Puts back counts whose write failed, so that they go out with the next flush.</summary>
    public void Return(IReadOnlyList<RefusedAttemptCount> counts)
    {
        foreach (var c in counts)
        {
            var tally = _tallies.GetOrAdd((c.AccountId, c.Minute.UtcTicks), static _ => new Tally());
            Interlocked.Add(ref tally.Suspended, c.Suspended);
            Interlocked.Add(ref tally.Throttled, c.Throttled);
        }
    }

    private static long MinuteTicks(DateTimeOffset t) => t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute);
}
