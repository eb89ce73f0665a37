using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Storage.Campaigns;

namespace OutboundGuard.Admin.Lists;

/// <summary>
/// Loads the stored campaign blocks and URL lists into scoring at start, and again whenever any node announces
/// a change on <see cref="CampaignFingerprintRepository.ListsChannel"/>.
/// </summary>
internal sealed class AdminListsSync(NpgsqlDataSource dataSource, CampaignService campaigns, UrlListService urls, TimeProvider time, ILogger<AdminListsSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var changed = 1;
                connection.Notification += (_, _) => Interlocked.Exchange(ref changed, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {CampaignFingerprintRepository.ListsChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    if (Interlocked.Exchange(ref changed, 0) == 1)
                    {
                        var blocked = await campaigns.LoadIntoTrackerAsync(stoppingToken);
                        var (block, allow) = await urls.RefreshAsync(stoppingToken);
                        Log.ListsLoaded(logger, blocked, block, allow);
                    }

                    await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                Log.ListsSyncFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }
}
