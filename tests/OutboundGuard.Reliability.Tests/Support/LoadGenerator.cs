using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// Several MailKit clients sending in parallel, each message carrying a unique test id in its Subject and
/// X-Test-Id header. Every message that got a 250 is recorded; everything else (4xx, 5xx, a broken
/// connection) is counted as not accepted, and the client reconnects after a short pause. Bounded by a
/// message count and a deadline.
/// </summary>
public sealed class LoadGenerator(int port, string account, string password)
{
    private readonly ConcurrentDictionary<string, byte> _accepted = new();
    private readonly ConcurrentDictionary<string, int> _refusals = new();
    private int _sent;
    private long _lastAcceptedTicks;

    /// <summary>Test ids of the messages that got a 250 to DATA.</summary>
    public IReadOnlyCollection<string> Accepted => _accepted.Keys.ToList();

    /// <summary>How often each kind of failure happened ("451", "IOException", …).</summary>
    public IReadOnlyDictionary<string, int> Refusals => _refusals;

    public int Attempted => Volatile.Read(ref _sent);

    /// <summary>When the last 250 arrived (Stopwatch ticks), for recovery times.</summary>
    public long LastAcceptedTicks => Interlocked.Read(ref _lastAcceptedTicks);

    public static string SubjectOf(string testId) => "load " + testId;

    /// <summary>Runs <paramref name="connections"/> senders until <paramref name="total"/> messages were tried or the token fires.</summary>
    public Task RunAsync(int connections, int total, CancellationToken cancellationToken)
        => Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(() => SenderAsync(c, total, cancellationToken), CancellationToken.None)));

    /// <summary>The number of 250s so far.</summary>
    public int AcceptedCount => _accepted.Count;

    private async Task SenderAsync(int connection, int total, CancellationToken cancellationToken)
    {
        SmtpClient? client = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref _sent);
                if (n > total)
                {
                    return;
                }

                var testId = $"{connection:D2}-{n:D6}-{Guid.NewGuid():N}";
                try
                {
                    client ??= await ConnectAsync(cancellationToken);
                    await client.SendAsync(Build(testId, n), cancellationToken);
                    _accepted[testId] = 0;
                    Interlocked.Exchange(ref _lastAcceptedTicks, Stopwatch.GetTimestamp());
                }
                catch (SmtpCommandException e)
                {
                    Count(((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if ((int)e.StatusCode == 421 || e.ErrorCode == SmtpErrorCode.UnexpectedStatusCode)
                    {
                        Drop(ref client);
                    }
                    else
                    {
                        await ResetAsync(client);
                    }

                    await Task.Delay(50, CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or AuthenticationException or ServiceNotAuthenticatedException or TimeoutException or OperationCanceledException or InvalidOperationException)
                {
                    Count(e.GetType().Name);
                    Drop(ref client);
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    await Task.Delay(200, CancellationToken.None);
                }
            }
        }
        finally
        {
            Drop(ref client);
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = 20_000 };
        try
        {
            await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, cancellationToken);
            await client.AuthenticateAsync(account, password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task ResetAsync(SmtpClient? client)
    {
        if (client is { IsConnected: true })
        {
            try
            {
                await client.NoOpAsync();
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException)
            {
            }
        }
    }

    private static void Drop(ref SmtpClient? client)
    {
        client?.Dispose();
        client = null;
    }

    private void Count(string kind) => _refusals.AddOrUpdate(kind, 1, (_, c) => c + 1);

    private MimeMessage Build(string testId, int n)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(account));
        message.To.Add(MailboxAddress.Parse($"customer{n % 97}@partner{n % 13}.example"));
        message.Subject = SubjectOf(testId);
        message.MessageId = testId + "@load.test";
        message.Headers.Add("X-Test-Id", testId);
        message.Body = new TextPart("plain") { Text = $"Order {n} confirmed.\r\nReference {testId}.\r\nThank you for your purchase.\r\n" };
        return message;
    }
}
