using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OutboundGuard.Delivery.Content;
using OutboundGuard.Delivery.Routes.Smarthost;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// Delivery to one smarthost over at most <see cref="SmarthostOptions.MaxConnections"/> sessions of the relay's own
/// client (<see cref="SmarthostSession"/>) that are kept open and reused for several messages. A refused command
/// decides per recipient: 4xx defers, 5xx rejects. A broken connection (I/O and socket errors, timeouts, a reply
/// that is no SMTP) and any failure before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) defers every pending
/// recipient: our own configuration or the smarthost's outage must never bounce a customer's mail.
/// </summary>
internal sealed class SmtpRoute : IDeliveryRoute, IAsyncDisposable
{
    /// <summary>A pooled connection idle longer than this is checked with NOOP before reuse.</summary>
    private static readonly TimeSpan CheckAfterIdle = TimeSpan.FromSeconds(2);

    private const string Utf8Refusal = "5.6.7 the next hop does not support SMTPUTF8, needed for this internationalized address (RFC 6531)";

    private readonly SmarthostOptions _smarthost;
    private readonly string _localDomain;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentStack<SmarthostSession> _idle = new();
    private int _disposed;

    public SmtpRoute(string name, SmarthostOptions smarthost, string localDomain, TimeProvider time, ILogger logger)
    {
        Name = name;
        _smarthost = smarthost;
        _localDomain = localDomain;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(smarthost.MaxConnections, smarthost.MaxConnections);
    }

    public string Name { get; }

    public string Description => $"{Name} → {_smarthost.Host}:{_smarthost.Port} ({_smarthost.Tls})";

    public async Task<RouteResult> DeliverAsync(QueuedMessage message, SpooledContent content, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SmarthostSession? session = null;
        try
        {
            try
            {
                session = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Greeting, EHLO, STARTTLS or AUTH failed: the route is down or misconfigured, never the message's fault.
                return exception is SmarthostReplyException refused
                    ? RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, refused.Reply.Code, "connecting: " + refused.Message)
                    : RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, null, "connecting: " + Describe(exception));
            }

            // RFC 6531 §3.2: a mailbox with a non-ASCII local part cannot go to a server without SMTPUTF8 (a non-ASCII
            // domain goes as its A-label). Retrying will not help.
            var smtpUtf8 = !IsAscii(message.EnvelopeFrom) || Array.Exists(message.PendingRecipients, r => !IsAscii(r));
            RouteResult? unsendable = null;
            var recipients = message.PendingRecipients;
            if (smtpUtf8 && !session.Capabilities.SmtpUtf8)
            {
                smtpUtf8 = false;
                var refused = IsAscii(LocalPart(message.EnvelopeFrom)) ? Array.FindAll(recipients, r => !IsAscii(LocalPart(r))) : recipients;
                if (refused.Length > 0)
                {
                    unsendable = RouteResult.PerRecipient(refused, DeliveryAttempt.Rejected, null, Utf8Refusal);
                    if (refused.Length == recipients.Length)
                    {
                        return unsendable;
                    }

                    recipients = [.. recipients.Except(refused, StringComparer.Ordinal)];
                }
            }

            try
            {
                var replies = await session.SendAsync(message, recipients, content.Stream, content.EightBit, smtpUtf8, cancellationToken).ConfigureAwait(false);
                session.Sent++;
                return RouteResult.Merge(Outcome(recipients, replies), unsendable);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Broken connection or a reply that is no SMTP: nothing is known to be delivered, defer everything.
                return RouteResult.Merge(RouteResult.ForAll(recipients, DeliveryAttempt.Deferred, null, Describe(exception)), unsendable);
            }
        }
        finally
        {
            if (session is not null)
            {
                if (session.IsUsable && session.Sent < _smarthost.MaxMessagesPerConnection && Volatile.Read(ref _disposed) == 0)
                {
                    session.LastUsed = _time.GetTimestamp();
                    _idle.Push(session);
                }
                else
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                }
            }

            _slots.Release();
        }
    }

    /// <summary>The outcome of each recipient from the transaction's replies.</summary>
    internal static RouteResult Outcome(IReadOnlyList<string> recipients, TransactionReplies replies)
    {
        if (!replies.Mail.IsPositive)
        {
            // MAIL FROM refused: the reply is about the whole transaction.
            return RouteResult.ForAll(recipients, OutcomeOf(replies.Mail), replies.Mail.Code, "MAIL FROM: " + replies.Mail.Text);
        }

        var result = new RouteResult();
        var accepted = new List<string>(recipients.Count);
        for (var i = 0; i < recipients.Count; i++)
        {
            var reply = replies.Recipients[i];
            if (reply.IsPositive)
            {
                accepted.Add(recipients[i]);
                continue;
            }

            Add(result, new DeliveryAttempt(recipients[i], OutcomeOf(reply), reply.Code, "RCPT TO: " + reply.Text));
        }

        if (accepted.Count == 0)
        {
            return result;
        }

        // DATA refused, or the content refused after it: the reply is about every recipient accepted at RCPT TO.
        var last = replies.Final ?? replies.Data!.Value;
        var outcome = last.IsPositive ? DeliveryAttempt.Accepted : OutcomeOf(last);
        var text = last.IsPositive ? (string.IsNullOrWhiteSpace(last.Text) ? "OK" : last.Text.Trim()) : "DATA: " + last.Text;
        foreach (var recipient in accepted)
        {
            Add(result, new DeliveryAttempt(recipient, outcome, last.Code, text));
        }

        if (outcome == DeliveryAttempt.Deferred)
        {
            result.RouteFailure = $"{last.Code} {text}";
        }

        return result;
    }

    private static void Add(RouteResult result, DeliveryAttempt attempt)
    {
        result.Replies.Add(attempt);
        result.Recipients[attempt.Recipient!] = attempt;
    }

    private static string OutcomeOf(SmarthostReply reply) => reply.IsPermanent ? DeliveryAttempt.Rejected : DeliveryAttempt.Deferred;

    private async Task<SmarthostSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryPop(out var pooled))
        {
            var idle = _time.GetElapsedTime(pooled.LastUsed);
            if (!pooled.IsUsable || idle > _smarthost.IdleTimeout)
            {
                await pooled.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            if (idle > CheckAfterIdle)
            {
                try
                {
                    await pooled.NoOpAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.ConnectionStale(_logger, Name);
                    await pooled.DisposeAsync().ConfigureAwait(false);
                    continue;
                }
            }

            return pooled;
        }

        var session = await SmarthostSession.OpenAsync(_smarthost, _localDomain, cancellationToken).ConfigureAwait(false);
        Log.ConnectionOpened(_logger, Name, _smarthost.Host, _smarthost.Port);
        return session;
    }

    private static string Describe(Exception exception) => exception switch
    {
        TimeoutException or OperationCanceledException => "timed out: " + exception.Message,
        SmarthostProtocolException or SmarthostReplyException => exception.Message,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private static bool IsAscii(string value) => System.Text.Ascii.IsValid(value);

    private static string LocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryPop(out var session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _slots.Dispose();
    }
}
