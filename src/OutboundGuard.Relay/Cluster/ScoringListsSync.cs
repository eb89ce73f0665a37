using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Urls;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.Cluster;

/// <summary>
/// Applies the commands Admin publishes on <see cref="NotificationChannels.Lists"/> to this node's scoring, whichever
/// node published them: reloads the stored campaign blocks into <see cref="CampaignTracker"/> and the stored URL lists
/// (on top of the configured ones) into the detector's <see cref="UrlReputationOptions"/>, and lifts in-memory blocks
/// a false alarm undoes. Loads both lists at start and after every reconnect of the hub. A URL list refresh swaps in
/// new sets, so a message being scored sees either the old lists or the new ones, never a half-changed set.
/// </summary>
internal sealed class ScoringListsSync : BackgroundService
{
    private readonly NotificationHub _hub;
    private readonly CampaignFingerprintRepository _campaigns;
    private readonly UrlListRepository _urls;
    private readonly CampaignTracker _tracker;
    private readonly UrlReputationOptions _live;
    private readonly ILogger<ScoringListsSync> _logger;
    private readonly HashSet<string> _configuredBlocklist;
    private readonly HashSet<string> _configuredAllowlist;
    private readonly Channel<ListsChangeKind> _reload = Channel.CreateUnbounded<ListsChangeKind>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _loading = new(1, 1);

    public ScoringListsSync(NotificationHub hub, CampaignFingerprintRepository campaigns, UrlListRepository urls, CampaignTracker tracker, UrlReputationOptions live, ILogger<ScoringListsSync> logger)
    {
        _hub = hub;
        _campaigns = campaigns;
        _urls = urls;
        _tracker = tracker;
        _live = live;
        _logger = logger;

        // The configured lists, as bound at start: what the stored lists add to.
        _configuredBlocklist = new HashSet<string>(live.Blocklist, StringComparer.OrdinalIgnoreCase);
        _configuredAllowlist = new HashSet<string>(live.Allowlist, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reloads both lists from PostgreSQL into scoring; returns the counts in force.</summary>
    public async Task<(int BlockedFingerprints, int Blocked, int Allowed)> LoadAsync(CancellationToken cancellationToken)
    {
        var blocked = await LoadCampaignsAsync(cancellationToken);
        var (block, allow) = await LoadUrlsAsync(cancellationToken);
        ClusterLog.ListsLoaded(_logger, blocked, block, allow);
        return (blocked, block, allow);
    }

    public override void Dispose()
    {
        _loading.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = _hub.Subscribe(NotificationChannels.Lists, Apply, async ct => await LoadAsync(ct));
        try
        {
            await foreach (var kind in _reload.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (kind == ListsChangeKind.Campaigns)
                    {
                        await LoadCampaignsAsync(stoppingToken);
                    }
                    else
                    {
                        await LoadUrlsAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
                {
                    ClusterLog.ListsLoadFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>On the hub's thread: what needs the database is queued, an in-memory lift is done at once.</summary>
    private void Apply(ListsChange change)
    {
        switch (change.Kind)
        {
            case ListsChangeKind.Unblock:
                _tracker.Unblock(change.Fingerprint!);
                ClusterLog.CampaignBlockLifted(_logger, change.Fingerprint!);
                break;
            case ListsChangeKind.FalseAlarm:
                var lifted = _tracker.LiftBlocksCausedBy(change.AccountId);
                ClusterLog.FalseAlarmBlocksLifted(_logger, change.AccountId, lifted.Count);
                break;
            default:
                _reload.Writer.TryWrite(change.Kind);
                break;
        }
    }

    private async Task<int> LoadCampaignsAsync(CancellationToken cancellationToken)
    {
        var stored = await _campaigns.ListAsync(cancellationToken);
        await _loading.WaitAsync(cancellationToken);
        try
        {
            foreach (var f in stored)
            {
                _tracker.Unblock(f.Fingerprint);
                if (f.Status == "blocked")
                {
                    _tracker.Block(f.Fingerprint, f.Reason);
                }
            }
        }
        finally
        {
            _loading.Release();
        }

        return stored.Count(f => f.Status == "blocked");
    }

    private async Task<(int Blocked, int Allowed)> LoadUrlsAsync(CancellationToken cancellationToken)
    {
        var rows = await _urls.ListAsync(cancellationToken: cancellationToken);
        var block = new HashSet<string>(_configuredBlocklist, StringComparer.OrdinalIgnoreCase);
        var allow = new HashSet<string>(_configuredAllowlist, StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            (row.List == UrlListRepository.Block ? block : allow).Add(row.Domain);
        }

        _live.Blocklist = block;
        _live.Allowlist = allow;
        return (block.Count, allow.Count);
    }
}
