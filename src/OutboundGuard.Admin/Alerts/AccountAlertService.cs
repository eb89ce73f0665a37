using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Alerts;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Admin.Alerts;

/// <summary>
/// Alerts when an account is throttled or suspended, by any node: subscribes to
/// <see cref="NotificationChannels.AccountState"/> through the node's <see cref="NotificationHub"/> (after a reconnect,
/// the accounts changed meanwhile are looked at too), and for each new throttle or suspension sends a JSON webhook
/// and an e-mail to the tenant's admin address, each retried with exponential backoff. Each alert is claimed
/// in <c>alerts_sent</c> first, so of several nodes exactly one sends it.
/// </summary>
internal sealed class AccountAlertService(
    NotificationHub hub,
    AccountRepository accounts,
    AlertLogRepository log,
    AlertSettings settings,
    AlertSenders senders,
    IOptions<AdminOptions> options,
    TimeProvider time,
    ILogger<AccountAlertService> logger) : BackgroundService
{
    /// <summary>State changes older than this when seen are not alerted (a restart does not replay history). 1 h.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly AccountChangeCatchUp _catchUp = new(accounts);
    private readonly Channel<long> _changed = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> _sending = new();
    private readonly string _node = Environment.MachineName + ":" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = WorkAsync(stoppingToken);
        var digests = DigestLoopAsync(stoppingToken);
        using (hub.Subscribe(NotificationChannels.AccountState, id => _changed.Writer.TryWrite(id), ResyncAsync))
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _changed.Writer.TryComplete();
        await worker;
        await digests;
        await Task.WhenAll(_sending.Keys);
    }

    /// <summary>After a reconnect: the accounts that changed meanwhile, as if announced (an alert already claimed is not sent twice).</summary>
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        foreach (var accountId in await _catchUp.NextAsync(cancellationToken))
        {
            _changed.Writer.TryWrite(accountId);
        }
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
        var o = options.Value.Alerts;
        var now = time.GetUtcNow();
        var (tenantSent, totalSent) = await log.SentSinceAsync(change.Tenant, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero), stoppingToken);
        var fold = tenantSent >= o.DailyBudgetPerTenant || totalSent >= o.DailyBudgetTotal;
        var recipients = new[] { change.AdminEmail, current.OpsEmail }.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (fold)
        {
            // Over the day's budget: claimed as folded (so no other node sends it) and left for the next digest.
            var webhook = current.WebhookUrl is not null && await log.TryClaimAsync(change.Id, "webhook", _node, folded: true, stoppingToken);
            var email = current.EmailEnabled && recipients.Count > 0 && await log.TryClaimAsync(change.Id, "email", _node, folded: true, stoppingToken);
            if (webhook || email)
            {
                Log.AlertFolded(logger, alert.Account, alert.ToState, change.Tenant, tenantSent, totalSent);
            }

            return;
        }

        if (current.WebhookUrl is { } url && await log.TryClaimAsync(change.Id, "webhook", _node, stoppingToken))
        {
            Track(SendWithRetriesAsync("webhook", [alert.ChangeId], alert.Account, alert.ToState, ct => senders.PostWebhookAsync(url, alert, DeliveryId(alert), options.Value.Alerts.WebhookSecrets, options.Value.Alerts.Timeout, ct), stoppingToken));
        }

        if (current.EmailEnabled && recipients.Count > 0 && await log.TryClaimAsync(change.Id, "email", _node, stoppingToken))
        {
            Track(SendWithRetriesAsync("email", [alert.ChangeId], alert.Account, alert.ToState, ct => senders.SendEmailAsync(current.From, recipients, alert.Subject, alert.Text, alert.Event, options.Value.Alerts, ct), stoppingToken));
        }
    }

    /// <summary>Every <see cref="AlertOptions.DigestInterval"/>, sends the alerts folded since the last digest as one webhook and one e-mail.</summary>
    private async Task DigestLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Alerts.DigestInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SendDigestAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
                {
                    Log.AlertListenFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendDigestAsync(CancellationToken stoppingToken)
    {
        var folded = await log.TakeFoldedAsync(stoppingToken);
        if (folded.Count == 0)
        {
            return;
        }

        var current = await settings.CurrentAsync(stoppingToken);
        var now = time.GetUtcNow();
        foreach (var channel in folded.GroupBy(f => f.Channel))
        {
            var changes = channel.Select(f => f.Change).ToList();
            var digest = AlertDigest.Of(changes.Select(AccountAlert.From).ToList(), now);
            var first = changes[0].Id;
            Func<CancellationToken, Task>? send = channel.Key switch
            {
                "webhook" when current.WebhookUrl is { } url => ct => senders.PostWebhookAsync(url, digest, "digest-" + first.ToString(CultureInfo.InvariantCulture), options.Value.Alerts.WebhookSecrets, options.Value.Alerts.Timeout, ct),
                "email" when current.OpsEmail is { } ops => ct => senders.SendEmailAsync(current.From, [ops], digest.Subject, digest.Text, "alerts.digest", options.Value.Alerts, ct),
                _ => null,
            };
            if (send is not null)
            {
                Track(SendWithRetriesAsync(channel.Key, changes.Select(c => c.Id).ToList(), "digest of " + changes.Count, "digest", send, stoppingToken));
            }
        }
    }

    /// <summary>The same for every attempt of one alert, so a receiver can drop a repeat.</summary>
    private static string DeliveryId(AccountAlert alert) => "change-" + alert.ChangeId.ToString(CultureInfo.InvariantCulture);

    private void Track(Task task)
    {
        _sending[task] = true;
        task.ContinueWith(t => _sending.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task SendWithRetriesAsync(string channel, IReadOnlyList<long> changeIds, string about, string toState, Func<CancellationToken, Task> send, CancellationToken stoppingToken)
    {
        var o = options.Value.Alerts;
        var delay = o.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string? error;
            try
            {
                await send(stoppingToken);
                await RecordAttemptAsync(changeIds, channel, null);
                Log.AlertSent(logger, channel, about, toState, attempt);
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
                await RecordAttemptAsync(changeIds, channel, error);
            }
            catch (NpgsqlException)
            {
                // The attempt record is for ops' eyes; a database hiccup must not stop the retries.
            }

            if (attempt >= o.MaxAttempts)
            {
                Log.AlertGivenUp(logger, channel, about, attempt, error);
                return;
            }

            Log.AlertAttemptFailed(logger, channel, about, attempt, o.MaxAttempts, error, delay);
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

    private async Task RecordAttemptAsync(IReadOnlyList<long> changeIds, string channel, string? error)
    {
        foreach (var id in changeIds)
        {
            await log.RecordAttemptAsync(id, channel, error, CancellationToken.None);
        }
    }
}
