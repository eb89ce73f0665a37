namespace OutboundGuard.Storage.Queue;

/// <summary>The queue at a glance, for metrics and the admin API.</summary>
/// <param name="CountsByState">Messages per state ('queued', 'delivering', 'deferred', 'delivered', ...).</param>
/// <param name="OldestQueuedAge">Age of the oldest message not yet in a final state (queued, deferred or delivering), or null when none.</param>
/// <param name="Routes">Health of each route that has delivered or failed at least once.</param>
public sealed record QueueStatus(IReadOnlyDictionary<string, long> CountsByState, TimeSpan? OldestQueuedAge, IReadOnlyList<RouteHealth> Routes)
{
    /// <summary>Messages waiting for delivery: queued, deferred and being delivered.</summary>
    public long Pending => MessageStates.Pending.Sum(Count);

    public long Count(MessageState state) => Count(MessageStates.ToText(state));

    /// <summary>Messages in the state stored as <paramref name="state"/>; 0 for a name no row has.</summary>
    public long Count(string state) => CountsByState.TryGetValue(state, out var count) ? count : 0;
}
