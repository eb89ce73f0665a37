using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Storage.Counters;

namespace OutboundGuard.Cluster;

/// <summary>
/// Restores the hot counters from PostgreSQL at start, then every <see cref="ClusterOptions.CounterFlushInterval"/>
/// writes this node's counts and merges the other nodes'; every 10 min removes shared rows older than a day.
/// </summary>
internal sealed class SharedActivityService(SharedActivity shared, SharedCounterRepository repository, IOptions<ClusterOptions> options, TimeProvider time, ILogger<SharedActivityService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RunSafelyAsync(() => shared.RestoreAsync(stoppingToken));
        var lastCleanup = time.GetUtcNow();
        using var timer = new PeriodicTimer(options.Value.CounterFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunSafelyAsync(async () =>
                {
                    await shared.FlushAsync(null, stoppingToken);
                    await shared.PullAsync(stoppingToken);
                    if (time.GetUtcNow() - lastCleanup > TimeSpan.FromMinutes(10))
                    {
                        lastCleanup = time.GetUtcNow();
                        shared.Trim();
                        await repository.DeleteOlderThanAsync(TimeSpan.FromDays(1), stoppingToken);
                    }
                });
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Last counts of this node, so the others see them after it stopped.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await RunSafelyAsync(() => shared.FlushAsync(null, cts.Token));
    }

    private bool _failing;

    private async Task RunSafelyAsync(Func<Task> work)
    {
        try
        {
            await work();
            _failing = false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            // Once per outage, not every 200 ms.
            if (!_failing)
            {
                ClusterLog.CountersFailed(logger, e);
            }

            _failing = true;
        }
    }
}
