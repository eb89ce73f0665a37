using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// Replays a burst against a relay over SMTP with MailKit: every account (and each of its session labels) on
/// its own connection with its own AUTH, each message at its (possibly compressed) captured offset, at most
/// <see cref="ReplayOptions.Concurrency"/> messages in flight, each answer recorded as the relay gave it.
/// </summary>
public sealed class SmtpReplayer(ReplayOptions options, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Replays every entry and returns the results in the burst's order. Messages start in offset order
    /// across all accounts (so a relay in replay-clock mode sees the captured timeline); a message waits for
    /// the previous one of its account and session (<see cref="BurstEntry.Session"/>), on that session's one
    /// connection, while the account's other sessions run beside it.
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
        var closeAfter = CloseAfter(burst.Entries);
        try
        {
            for (var i = 0; i < burst.Entries.Count; i++)
            {
                var entry = burst.Entries[i];
                var wait = options.Pace.DueAfter(entry.OffsetMs) - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }

                await inFlight.WaitAsync(cancellationToken);
                var key = SessionKey(entry);
                if (!connections.TryGetValue(key, out var connection))
                {
                    var password = options.Passwords.TryGetValue(entry.Account, out var given) ? given : entry.Password ?? burst.PasswordOf(entry.Account);
                    connections[key] = connection = new AccountConnection(options, entry.Account, password);
                }

                var previous = tails.GetValueOrDefault(key) ?? Task.CompletedTask;
                var task = SendAfterAsync(previous, burst, entry, connection, closeAfter[i], start, inFlight, observe, cancellationToken);
                tails[key] = task;
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

    /// <summary>One connection per account and session label; no label is the account's one session.</summary>
    private static string SessionKey(BurstEntry entry) => entry.Session is null ? entry.Account : entry.Account + "\n" + entry.Session;

    /// <summary>
    /// Per entry: whether its connection is closed after it, because its session's next message comes more
    /// than <see cref="ReplayOptions.CloseIdleAfter"/> of captured time later (or never), as a client's MTA
    /// closes an idle connection instead of holding it for an hour.
    /// </summary>
    private bool[] CloseAfter(IReadOnlyList<BurstEntry> entries)
    {
        var close = new bool[entries.Count];
        if (options.CloseIdleAfter is not { } idle)
        {
            return close;
        }

        var next = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var key = SessionKey(entries[i]);
            close[i] = !next.TryGetValue(key, out var following) || following - entries[i].OffsetMs > idle.TotalMilliseconds;
            next[key] = entries[i].OffsetMs;
        }

        return close;
    }

    private async Task<SendResult> SendAfterAsync(Task previous, Burst burst, BurstEntry entry, AccountConnection connection, bool closeAfter, DateTimeOffset start,
        SemaphoreSlim inFlight, Action<SendResult>? observe, CancellationToken cancellationToken)
    {
        try
        {
            await previous.ContinueWith(_ => { }, TaskScheduler.Default);
            var result = await SendAsync(burst, entry, connection, start, cancellationToken);
            if (closeAfter)
            {
                await connection.ResetAsync();
            }

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
            catch (SmtpCommandException e) when ((int)e.StatusCode == 421 && attempt == 1)
            {
                // 421: the relay is closing this connection (e.g. the account was suspended meanwhile); try a fresh one.
                await connection.ResetAsync();
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
