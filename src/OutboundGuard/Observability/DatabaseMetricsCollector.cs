using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboundGuard.Storage;
using OutboundGuard.Cluster;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Storage.Status;

namespace OutboundGuard.Observability;

/// <summary>
/// Refreshes the figures that live in PostgreSQL (queue, routes, accounts) when /metrics is scraped, so they
/// are as fresh as the scrape and cost nothing between scrapes. A failing database sets
/// <c>outboundguard_database_up</c> to 0 and leaves the last figures.
/// </summary>
internal sealed class DatabaseMetricsCollector(
    OutboundGuardMetrics metrics,
    MessageQueueRepository queue,
    StatusRepository status,
    AccountStateCache cache,
    SharedActivity shared,
    ClusterPeers peers,
    NotificationHub hub) : IHostedService
{
    /// <summary>The states always exported (0 when no row has them); any other state a row has is exported too.</summary>
    private static readonly string[] QueueStates = [.. new[]
    {
        MessageState.Queued, MessageState.Deferred, MessageState.Delivering, MessageState.Quarantined,
        MessageState.Delivered, MessageState.Bounced, MessageState.Failed,
    }.Select(MessageStates.ToText)];
    private static readonly string[] AccountStates = ["active", "throttled", "suspended"];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Registry.AddBeforeCollectCallback(CollectAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        metrics.StateListener.Set(cache.IsListening ? 1 : 0);
        metrics.SharedSyncs.Set(shared.SynchronousShares);
        metrics.ClusterPeers.Set(peers.Running);
        metrics.NotificationHubUp.Set(hub.IsConnected ? 1 : 0);
        metrics.NotificationHubReconnects.IncTo(hub.Reconnects);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var queueStatus = await queue.GetStatusAsync(timeout.Token);
            foreach (var state in QueueStates.Union(queueStatus.CountsByState.Keys))
            {
                metrics.Queue.WithLabels(state).Set(queueStatus.Count(state));
            }

            var oldest = await status.OldestWaitingByRouteAsync(timeout.Token);
            foreach (var route in queueStatus.Routes.Select(r => r.Route).Union(oldest.Keys).Union(["default"]))
            {
                metrics.QueueOldest.WithLabels(route).Set(oldest.TryGetValue(route, out var age) ? age.TotalSeconds : 0);
            }

            foreach (var route in queueStatus.Routes)
            {
                metrics.RouteFailures.WithLabels(route.Route).Set(route.ConsecutiveFailures);
            }

            var accounts = await status.AccountsByStateAsync(timeout.Token);
            foreach (var state in AccountStates)
            {
                metrics.Accounts.WithLabels(state).Set(accounts.TryGetValue(state, out var n) ? n : 0);
            }

            metrics.DatabaseUp.Set(1);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            metrics.DatabaseUp.Set(0);
        }
    }
}
