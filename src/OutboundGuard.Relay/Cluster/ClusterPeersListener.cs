using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Cluster;

/// <summary>
/// Keeps <see cref="ClusterPeers"/> current. After every connect of the notification hub this node says hello (every
/// running node answers at once), then announces itself every <see cref="ClusterOptions.PeerAnnounceInterval"/> and
/// says goodbye when it stops. Announcements are notifications only: nothing is written to tables.
/// </summary>
internal sealed class ClusterPeersListener(NotificationHub hub, NodeAnnouncer announcer, ClusterPeers peers, IOptions<ClusterOptions> options, TimeProvider time, ILogger<ClusterPeersListener> logger) : BackgroundService
{
    private readonly SemaphoreSlim _answer = new(0, 1);
    private IDisposable? _subscription;

    private string Node => options.Value.NodeName;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(NotificationChannels.Nodes, Heard, async token =>
        {
            peers.SetListening(true);
            await announcer.AnnounceAsync(new NodeAnnouncement(NodeAnnouncementKind.Hello, Node), token);
        }, () => peers.SetListening(false));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        peers.SetListening(false);
        await base.StopAsync(cancellationToken);
        await AnnounceAsync(NodeAnnouncementKind.Bye, cancellationToken);
    }

    public override void Dispose()
    {
        _answer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PeerAnnounceInterval, time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var answer = _answer.WaitAsync(stoppingToken);
        try
        {
            // A hello heard is answered at once; otherwise this node announces itself once per interval.
            while (true)
            {
                var woke = await Task.WhenAny(tick, answer);
                if (woke == tick)
                {
                    if (!await tick)
                    {
                        break;
                    }

                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
                else
                {
                    await answer;
                    answer = _answer.WaitAsync(stoppingToken);
                }

                await AnnounceAsync(NodeAnnouncementKind.Here, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Heard(NodeAnnouncement announcement)
    {
        if (announcement.Node == Node)
        {
            return;
        }

        if (announcement.Kind == NodeAnnouncementKind.Bye)
        {
            peers.Left(announcement.Node);
            return;
        }

        if (peers.Seen(announcement.Node))
        {
            ClusterLog.PeerSeen(logger, announcement.Node, peers.Running);
        }

        if (announcement.Kind == NodeAnnouncementKind.Hello && _answer.CurrentCount == 0)
        {
            try
            {
                _answer.Release();
            }
            catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
            {
                // An answer is already due, or this node is stopping.
            }
        }
    }

    private async Task AnnounceAsync(NodeAnnouncementKind kind, CancellationToken cancellationToken)
    {
        try
        {
            await announcer.AnnounceAsync(new NodeAnnouncement(kind, Node), cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            // The others then count this node until the expiry, which only keeps their synchronous share on.
            ClusterLog.AnnounceFailed(logger, e);
        }
    }
}
