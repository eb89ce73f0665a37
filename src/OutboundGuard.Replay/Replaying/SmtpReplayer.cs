using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// Replays a burst against a relay over SMTP with MailKit: every account on its own connection with its own
/// AUTH, each message at its (possibly compressed) captured offset, at most
/// <see cref="ReplayOptions.Concurrency"/> messages in flight, each answer recorded as the relay gave it.
/// </summary>
public sealed class SmtpReplayer(ReplayOptions options, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Replays every entry and returns the results in the burst's order. Messages start in offset order
    /// across all accounts (so a relay in replay-clock mode sees the captured timeline); an account's next
    /// message waits for its previous one, on the account's one connection.
    /// </summary>
    /// <param name="burst">The burst.</param>
    /// <param name="observe">Called after each message (from several threads), e.g. for the progress display.</param>
    /// <param name="cancellationToken">Stops the replay; messages in flight finish or fail.</param>
    public async Task<IReadOnlyList<SendResult>> ReplayAsync(Burst burst, Action<SendResult>? observe, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        var start = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        using var inFlight = new SemaphoreSlim(options.Concurrency);
        var connections = new Dictionary<string, AccountConnection>(StringComparer.OrdinalIgnoreCase);
        var tails = new Dictionary<string, Task>(StringComparer.OrdinalIgnoreCase);
        var tasks = new List<Task<SendResult>>(burst.Entries.Count);
        try
        {
            foreach (var entry in burst.Entries)
            {
                var wait = options.Pace.DueAfter(entry.OffsetMs) - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }

                await inFlight.WaitAsync(cancellationToken);
                if (!connections.TryGetValue(entry.Account, out var connection))
                {
                    var password = options.Passwords.TryGetValue(entry.Account, out var given) ? given : burst.PasswordOf(entry.Account);
                    connections[entry.Account] = connection = new AccountConnection(options, entry.Account, password);
                }

                var previous = tails.GetValueOrDefault(entry.Account) ?? Task.CompletedTask;
                var task = SendAfterAsync(previous, burst, entry, connection, start, inFlight, observe, cancellationToken);
                tails[entry.Account] = task;
                tasks.Add(task);
            }

            return await Task.WhenAll(tasks);
        }
        finally
        {
            await Task.WhenAll(tasks.Select(t => (Task)t).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<SendResult> SendAfterAsync(Task previous, Burst burst, BurstEntry entry, AccountConnection connection, DateTimeOffset start,
        SemaphoreSlim inFlight, Action<SendResult>? observe, CancellationToken cancellationToken)
    {
        try
        {
            await previous.ContinueWith(_ => { }, TaskScheduler.Default);
            var result = await SendAsync(burst, entry, connection, start, cancellationToken);
            observe?.Invoke(result);
            return result;
        }
        finally
        {
            inFlight.Release();
        }
    }

    private async Task<SendResult> SendAsync(Burst burst, BurstEntry entry, AccountConnection connection, DateTimeOffset start, CancellationToken cancellationToken)
    {
        if (burst.ContentPath(entry) is not { } path)
        {
            return new SendResult(entry, SendOutcome.Skipped, 0, "no content kept");
        }

        var message = await MimeMessage.LoadAsync(path, cancellationToken);
        if (options.SendReplayTime)
        {
            message.Headers.Replace(ReplayTimeHeader.Name, ReplayTimeHeader.Format(start + TimeSpan.FromMilliseconds(entry.OffsetMs)));
        }

        var sender = MailboxAddress.Parse(entry.EffectiveMailFrom);
        var recipients = entry.RcptTo.Select(MailboxAddress.Parse).ToList();

        // One retry on a fresh connection: the relay may have closed an idle one (RFC 5321 §4.5.3.2 timeouts).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var client = await connection.GetAsync(options.BindClientAddresses ? ClientAddressMap.Loopback(entry.ClientIp) : null, cancellationToken);
                var reply = await client.SendAsync(message, sender, recipients, cancellationToken);
                return new SendResult(entry, SendOutcome.Accepted, 250, reply);
            }
            catch (SmtpCommandException e)
            {
                var code = (int)e.StatusCode;
                return new SendResult(entry, code >= 500 ? SendOutcome.Rejected : SendOutcome.Deferred, code, e.Message);
            }
            catch (AuthenticationException e)
            {
                await connection.ResetAsync();
                return new SendResult(entry, SendOutcome.Failed, 535, "AUTH failed: " + e.Message);
            }
            catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or SslHandshakeException)
            {
                await connection.ResetAsync();
                if (attempt == 2)
                {
                    return new SendResult(entry, SendOutcome.Failed, 0, e.Message);
                }
            }
        }
    }
}
