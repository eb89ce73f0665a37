using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Relay;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Cluster;

/// <summary>
/// Keeps a dedicated PostgreSQL connection listening on <see cref="AccountRepository.StateChannel"/>, on
/// which every node announces an account's state change, and drops that account from
/// <see cref="AccountStateCache"/> so the next MAIL FROM on this node reads the new state, and its remembered AUTH outcomes
/// from <see cref="AuthVerificationCache"/>, and hands it to <see cref="ScoringStateSync"/> so this node's scoring memory
/// follows suspensions and reinstatements, and to <see cref="SuspendedSessionCloser"/> so a suspended account's open
/// sessions on this node end. Reconnects with backoff; while disconnected the cache is bypassed.
/// </summary>
internal sealed class AccountStateListener(NpgsqlDataSource dataSource, AccountStateCache cache, AuthVerificationCache verifications, ScoringStateSync scoring, SuspendedSessionCloser sessions, TimeProvider time, ILogger<AccountStateListener> logger) : BackgroundService
{
    /// <summary>How long to wait for a notification before checking the connection is alive.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                cache.SetListening(false);
                ClusterLog.ListenerFailed(logger, e, retry.TotalSeconds);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                continue;
            }

            retry = TimeSpan.FromMilliseconds(250);
        }

        cache.SetListening(false);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var accountId))
            {
                cache.Invalidate(accountId);
                verifications.AccountChanged(accountId);
                scoring.Changed(accountId);
                sessions.Changed(accountId);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {AccountRepository.StateChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Announcements may have been missed while not listening: nothing remembered before this moment is trusted.
        cache.SetListening(true);
        verifications.Clear();
        ClusterLog.Listening(logger, AccountRepository.StateChannel);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await connection.WaitAsync(PingInterval, stoppingToken))
                {
                    // No notification for a while: prove the connection is alive, or fail over to the database.
                    await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
                    await ping.ExecuteScalarAsync(stoppingToken);
                }
            }
        }
        finally
        {
            cache.SetListening(false);
            verifications.Clear();
        }
    }
}
