using Microsoft.Extensions.Hosting;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Cluster;

/// <summary>
/// Follows changes to connector ranges, tenant domains and platform identities announced on
/// <see cref="NotificationChannels.Connectors"/> (through the node's <see cref="NotificationHub"/>): each drops what
/// <see cref="ConnectorRangeCache"/> holds. The cache serves from memory only from a resync (LISTEN in force) until the
/// connection is lost, so a change made while the node was not listening is never missed.
/// </summary>
internal sealed class ConnectorRangeListener(NotificationHub hub, ConnectorRangeCache cache) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(NotificationChannels.Connectors, _ => cache.Changed(), _ =>
        {
            cache.SetListening(true);
            return Task.CompletedTask;
        }, () => cache.SetListening(false));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        cache.SetListening(false);
        return Task.CompletedTask;
    }
}
