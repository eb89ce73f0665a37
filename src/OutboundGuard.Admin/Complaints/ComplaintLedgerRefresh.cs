using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OutboundGuard.Admin.Complaints;

/// <summary>Keeps the node's complaint counts current: at start and every <see cref="FeedbackLoopOptions.RefreshInterval"/>.</summary>
internal sealed class ComplaintLedgerRefresh(ComplaintService service, FeedbackLoopOptions options, TimeProvider time, ILogger<ComplaintLedgerRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await service.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                Log.ComplaintRefreshFailed(logger, e);
            }

            try
            {
                await Task.Delay(options.RefreshInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
