using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using OutboundGuard.Delivery.Content;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// Delivery to one smarthost with MailKit, over at most <see cref="SmarthostOptions.MaxConnections"/>
/// connections that are kept open and reused for several messages. A refused command
/// (<see cref="SmtpCommandException"/>) decides per recipient: 4xx defers, 5xx rejects. A broken
/// connection (<see cref="SmtpProtocolException"/>, I/O and socket errors, timeouts) and any failure
/// before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) defers every pending recipient: our own
/// configuration or the smarthost's outage must never bounce a customer's mail.
/// </summary>
internal sealed class SmtpRoute : IDeliveryRoute, IAsyncDisposable
{
    /// <summary>A pooled connection idle longer than this is checked with NOOP before reuse.</summary>
    private static readonly TimeSpan CheckAfterIdle = TimeSpan.FromSeconds(2);

    private readonly SmarthostOptions _smarthost;
    private readonly string _localDomain;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentStack<PooledConnection> _idle = new();
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
        // Never parsed: the spooled octets are streamed from disk as they are (constant memory, linear time).
        var mime = await SpooledMimeMessage.CreateAsync(content.Stream, content.EightBit, cancellationToken).ConfigureAwait(false);
        var sender = new MailboxAddress("", message.EnvelopeFrom);
        var recipients = message.PendingRecipients.Select(r => new MailboxAddress("", r)).ToList();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = !IsAscii(message.EnvelopeFrom) || message.PendingRecipients.Any(r => !IsAscii(r));

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        PooledConnection? connection = null;
        var reusable = false;
        try
        {
            try
            {
                connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Greeting, EHLO, STARTTLS or AUTH failed: the route is down or misconfigured, never the message's fault.
                return exception is SmtpCommandException command
                    ? RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, (int)command.StatusCode, "connecting: " + command.Message)
                    : RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, null, "connecting: " + Describe(exception));
            }

            // RFC 6531 §3.2: a mailbox with a non-ASCII local part cannot go to a server without SMTPUTF8
            // (MailKit turns a non-ASCII domain into its A-label, but not the local part). Retrying will not help.
            RouteResult? unsendable = null;
            if (!connection.Client.Capabilities.HasFlag(SmtpCapabilities.UTF8))
            {
                var refused = IsAscii(LocalPart(message.EnvelopeFrom))
                    ? message.PendingRecipients.Where(r => !IsAscii(LocalPart(r))).ToArray()
                    : message.PendingRecipients;
                if (refused.Length > 0)
                {
                    unsendable = RouteResult.PerRecipient(refused, DeliveryAttempt.Rejected, null, Utf8Refusal);
                    if (refused.Length == message.PendingRecipients.Length)
                    {
                        reusable = true;
                        return unsendable;
                    }

                    message = message with { PendingRecipients = [.. message.PendingRecipients.Except(refused, StringComparer.Ordinal)] };
                    recipients = message.PendingRecipients.Select(r => new MailboxAddress("", r)).ToList();
                }
            }

            var transaction = new RelayTransaction(message);
            connection.Client.Transaction = transaction;
            connection.Client.DeliveryStatusNotificationType = string.Equals(message.DsnRet, "HDRS", StringComparison.OrdinalIgnoreCase)
                ? DeliveryStatusNotificationType.HeadersOnly
                : string.Equals(message.DsnRet, "FULL", StringComparison.OrdinalIgnoreCase) ? DeliveryStatusNotificationType.Full : DeliveryStatusNotificationType.Unspecified;
            try
            {
                var reply = await connection.Client.SendAsync(format, mime, sender, recipients, cancellationToken).ConfigureAwait(false);
                connection.Sent++;
                reusable = true;
                return RouteResult.Merge(Accepted(transaction, reply), unsendable);
            }
            catch (RelaySmtpClient.NoRecipientsAcceptedException)
            {
                // Every RCPT TO was refused; the outcomes are recorded. The connection is closed rather than reused mid-transaction.
                return RouteResult.Merge(WithRefusals(transaction, new RouteResult()), unsendable);
            }
            catch (SmtpCommandException command) when (command.ErrorCode is SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted)
            {
                // MailKit sends RSET after a refused MAIL FROM or DATA; the connection can serve the next message.
                reusable = command.StatusCode != SmtpStatusCode.ServiceNotAvailable;
                return RouteResult.Merge(Refused(transaction, command), unsendable);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Broken connection or an unexpected reply: nothing is known to be delivered, defer everything.
                var code = exception is SmtpCommandException command ? (int?)command.StatusCode : null;
                return RouteResult.Merge(RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, code, Describe(exception)), unsendable);
            }
            finally
            {
                connection.Client.Transaction = null;
            }
        }
        finally
        {
            if (connection is not null)
            {
                if (reusable && connection.Sent < _smarthost.MaxMessagesPerConnection && connection.Client.IsConnected && Volatile.Read(ref _disposed) == 0)
                {
                    connection.LastUsed = _time.GetTimestamp();
                    _idle.Push(connection);
                }
                else
                {
                    await CloseAsync(connection).ConfigureAwait(false);
                }
            }

            _slots.Release();
        }
    }

    private static RouteResult Accepted(RelayTransaction transaction, string reply)
    {
        var result = WithRefusals(transaction, new RouteResult());
        var text = string.IsNullOrWhiteSpace(reply) ? "OK" : reply.Trim();
        foreach (var (recipient, _, _) in transaction.Accepted)
        {
            var attempt = new DeliveryAttempt(recipient, DeliveryAttempt.Accepted, 250, text);
            result.Replies.Add(attempt);
            result.Recipients[recipient] = attempt;
        }

        return result;
    }

    private static RouteResult Refused(RelayTransaction transaction, SmtpCommandException command)
    {
        var code = (int)command.StatusCode;
        var outcome = code >= 500 ? DeliveryAttempt.Rejected : DeliveryAttempt.Deferred;
        if (command.ErrorCode == SmtpErrorCode.SenderNotAccepted)
        {
            // MAIL FROM refused: the reply is about the whole transaction.
            var all = RouteResult.ForAll(transaction.Message.PendingRecipients, outcome, code, "MAIL FROM: " + command.Message);
            return all;
        }

        // DATA refused: the reply is about every recipient accepted at RCPT TO.
        var result = WithRefusals(transaction, new RouteResult());
        foreach (var (recipient, _, _) in transaction.Accepted)
        {
            var attempt = new DeliveryAttempt(recipient, outcome, code, "DATA: " + command.Message);
            result.Replies.Add(attempt);
            result.Recipients[recipient] = attempt;
        }

        if (outcome == DeliveryAttempt.Deferred)
        {
            result.RouteFailure = $"{code} {command.Message}";
        }

        return result;
    }

    private static RouteResult WithRefusals(RelayTransaction transaction, RouteResult result)
    {
        foreach (var (recipient, code, text) in transaction.Refused)
        {
            var attempt = new DeliveryAttempt(recipient, code >= 500 ? DeliveryAttempt.Rejected : DeliveryAttempt.Deferred, code, "RCPT TO: " + text);
            result.Replies.Add(attempt);
            result.Recipients[recipient] = attempt;
        }

        return result;
    }

    private async Task<PooledConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryPop(out var pooled))
        {
            var idle = _time.GetElapsedTime(pooled.LastUsed);
            if (!pooled.Client.IsConnected || idle > _smarthost.IdleTimeout)
            {
                await CloseAsync(pooled).ConfigureAwait(false);
                continue;
            }

            if (idle > CheckAfterIdle)
            {
                try
                {
                    await pooled.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.ConnectionStale(_logger, Name);
                    await CloseAsync(pooled).ConfigureAwait(false);
                    continue;
                }
            }

            return pooled;
        }

        var client = new RelaySmtpClient
        {
            LocalDomain = _localDomain,
            Timeout = (int)Math.Min(int.MaxValue, _smarthost.CommandTimeout.TotalMilliseconds),
        };
        try
        {
            if (_smarthost.AcceptSelfSignedCertificate)
            {
                // Validated at start: only for a loopback smarthost (tests, a smarthost on the same machine).
#pragma warning disable CA5359
                client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            }

            var secure = _smarthost.Tls switch
            {
                SmtpTlsMode.None => SecureSocketOptions.None,
                SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
                SmtpTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await client.ConnectAsync(await ConnectSocketAsync(cancellationToken).ConfigureAwait(false), _smarthost.Host, _smarthost.Port, secure, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_smarthost.Username))
            {
                await client.AuthenticateAsync(_smarthost.Username, _smarthost.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            Log.ConnectionOpened(_logger, Name, _smarthost.Host, _smarthost.Port);
            return new PooledConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the TCP connection with Nagle's algorithm off: a message goes out as several writes (MAIL FROM, RCPT TO,
    /// DATA, content, the final dot) each waiting for a reply, and with Nagle on a write after an unacknowledged one
    /// waits for the peer's delayed ACK (tens of milliseconds per message).
    /// </summary>
    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_smarthost.CommandTimeout);
            await socket.ConnectAsync(_smarthost.Host, _smarthost.Port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task CloseAsync(PooledConnection connection)
    {
        try
        {
            if (connection.Client.IsConnected)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await connection.Client.DisconnectAsync(quit: true, quit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The connection is going away anyway.
        }
        finally
        {
            connection.Client.Dispose();
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        SmtpCommandException command => $"{(int)command.StatusCode} {command.Message}",
        OperationCanceledException => "timed out",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private const string Utf8Refusal = "5.6.7 the next hop does not support SMTPUTF8, needed for this internationalized address (RFC 6531)";

    private static bool IsAscii(string value) => System.Text.Ascii.IsValid(value);

    private static string LocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryPop(out var connection))
        {
            await CloseAsync(connection).ConfigureAwait(false);
        }

        _slots.Dispose();
    }

    private sealed class PooledConnection(RelaySmtpClient client)
    {
        public RelaySmtpClient Client { get; } = client;

        public int Sent { get; set; }

        public long LastUsed { get; set; }
    }
}
