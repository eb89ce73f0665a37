using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Admin.Complaints;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Complaints;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Cluster;

/// <summary>
/// Keeps this node's <see cref="ComplaintLedger"/> current: reloads the complaint counts from PostgreSQL when any node
/// announces a complaint that weighs (<see cref="NotificationChannels.Complaints"/>), after every reconnect of the
/// hub, and every <see cref="FeedbackLoopOptions.RefreshInterval"/> (the window slides).
/// </summary>
internal sealed class ComplaintLedgerSync(NotificationHub hub, ComplaintRepository complaints, ComplaintLedger ledger, FeedbackLoopOptions options, TimeProvider time, ILogger<ComplaintLedgerSync> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = hub.Subscribe(NotificationChannels.Complaints, _ => _wake.Writer.TryWrite(true), LoadAsync);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LoadAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                ClusterLog.ComplaintCountsLoadFailed(logger, e);
            }

            using var interval = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            interval.CancelAfter(options.RefreshInterval);
            try
            {
                await _wake.Reader.ReadAsync(interval.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed without an announcement: reload anyway.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var counts = await complaints.CountsAsync(time.GetUtcNow() - options.Window, cancellationToken);
        ledger.Load(counts.Select(c => (c.AccountId, c.Tenant,
            new ComplaintStanding(c.AccountComplaints, c.AccountMessages), new ComplaintStanding(c.TenantComplaints, c.TenantMessages))));
    }
}
