using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Storage.Activity;

namespace OutboundGuard.Relay;

/// <summary>
/// Every <see cref="RelayOptions.RefusedAttemptFlushInterval"/> adds this node's refused attempts
/// (<see cref="RefusedAttempts"/>) to their account-minute rows in one statement, and once more when the node stops.
/// A failed write keeps the counts for the next flush.
/// </summary>
internal sealed partial class RefusedAttemptWriter(RefusedAttempts refused, RefusedAttemptRepository repository, IOptions<RelayOptions> options, TimeProvider time, ILogger<RefusedAttemptWriter> logger) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefusedAttemptFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await FlushAsync(cts.Token);
    }

    /// <summary>Writes what was counted since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var counts = refused.Drain();
        try
        {
            await repository.AddAsync(counts, cancellationToken);
            _failing = false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or OperationCanceledException)
        {
            refused.Return(counts);
            // Once per outage, not every flush.
            if (!_failing)
            {
                LogFlushFailed(logger, counts.Sum(c => c.Total), e.Message);
            }

            _failing = true;
        }
    }

    [LoggerMessage(1210, LogLevel.Warning, "Could not store {Attempts} refused attempt(s); they are kept for the next flush: {Error}")]
    private static partial void LogFlushFailed(ILogger logger, int attempts, string error);
}
