using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Alerts;

namespace OutboundGuard.Admin.Alerts;

/// <summary>
/// Alerts when an account is throttled or suspended, by any node: listens on
/// <see cref="AccountRepository.StateChannel"/>, and for each new throttle or suspension sends a JSON webhook
/// and an e-mail to the tenant's admin address, each retried with exponential backoff. Each alert is claimed
/// in <c>alerts_sent</c> first, so of several nodes exactly one sends it.
/// </summary>
internal sealed class AccountAlertService(
    NpgsqlDataSource dataSource,
    AlertLogRepository log,
    AlertSettings settings,
    AlertSenders senders,
    IOptions<AdminOptions> options,
    TimeProvider time,
    ILogger<AccountAlertService> logger) : BackgroundService
{
    /// <summary>State changes older than this when seen are not alerted (a restart does not replay history). 1 h.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly Channel<long> _changed = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> _sending = new();
    private readonly string _node = Environment.MachineName + ":" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = WorkAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                    {
                        _changed.Writer.TryWrite(id);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {AccountRepository.StateChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                Log.AlertListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        _changed.Writer.TryComplete();
        await worker;
        await Task.WhenAll(_sending.Keys);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var accountId in _changed.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await HandleAsync(accountId, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
            {
                Log.AlertListenFailed(logger, e);
            }
        }
    }

    private async Task HandleAsync(long accountId, CancellationToken stoppingToken)
    {
        var change = await log.LatestChangeAsync(accountId, stoppingToken);
        if (change is null || change.ToState is not ("throttled" or "suspended") || time.GetUtcNow() - change.ChangedAt > MaxAge)
        {
            return;
        }

        var current = await settings.CurrentAsync(stoppingToken);
        if (!current.Enabled)
        {
            return;
        }

        var alert = AccountAlert.From(change);
        if (current.WebhookUrl is { } url && await log.TryClaimAsync(change.Id, "webhook", _node, stoppingToken))
        {
            Track(SendWithRetriesAsync("webhook", alert, ct => senders.PostWebhookAsync(url, alert, DeliveryId(alert), options.Value.Alerts.WebhookSecrets, options.Value.Alerts.Timeout, ct), stoppingToken));
        }

        var recipients = new[] { change.AdminEmail, current.OpsEmail }.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (current.EmailEnabled && recipients.Count > 0 && await log.TryClaimAsync(change.Id, "email", _node, stoppingToken))
        {
            Track(SendWithRetriesAsync("email", alert, ct => senders.SendEmailAsync(current.From, recipients, alert, options.Value.Alerts, ct), stoppingToken));
        }
    }

    /// <summary>The same for every attempt of one alert, so a receiver can drop a repeat.</summary>
    private static string DeliveryId(AccountAlert alert) => "change-" + alert.ChangeId.ToString(CultureInfo.InvariantCulture);

    private void Track(Task task)
    {
        _sending[task] = true;
        task.ContinueWith(t => _sending.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task SendWithRetriesAsync(string channel, AccountAlert alert, Func<CancellationToken, Task> send, CancellationToken stoppingToken)
    {
        var o = options.Value.Alerts;
        var delay = o.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string? error;
            try
            {
                await send(stoppingToken);
                await log.RecordAttemptAsync(alert.ChangeId, channel, null, CancellationToken.None);
                Log.AlertSent(logger, channel, alert.Account, alert.ToState, attempt);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                error = e.Message;
            }

            try
            {
                await log.RecordAttemptAsync(alert.ChangeId, channel, error, CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The attempt record is for ops' eyes; a database hiccup must not stop the retries.
            }

            if (attempt >= o.MaxAttempts)
            {
                Log.AlertGivenUp(logger, channel, alert.Account, attempt, error);
                return;
            }

            Log.AlertAttemptFailed(logger, channel, alert.Account, attempt, o.MaxAttempts, error, delay);
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, o.MaxRetryDelay.Ticks));
        }
    }
}
