using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace OutboundGuard.Bench;

/// <summary>
/// Authenticated submission as a customer's MTA does it: --concurrency workers, each opening a session (EHLO, with --tls
/// STARTTLS and EHLO again, resuming the last TLS session the process got from the server unless --no-tls-resume, with --users AUTH PLAIN), sending --per-session messages of --size octets in it and
/// quitting; 1 per session is a new connection per message. Stops after --count transactions or --seconds, or at
/// SIGTERM/SIGINT, and prints a JSON summary: accepted, refused (by reply code), DATA→250 percentiles.
/// A refused MAIL FROM ends the session (the refusal flood: connect, TLS, AUTH, MAIL FROM refused, QUIT).
/// `latency` is the same client with every session kept open until --count is sent (--out writes every latency in ms).
/// </summary>
internal static class SubmissionClient
{
    public static async Task<int> RunAsync(Arguments args, bool sessionsReused)
    {
        var port = args.GetInt("port", 0);
        var count = args.GetInt("count", 1000);
        var concurrency = Math.Max(1, args.GetInt("concurrency", 20));
        var perSession = Math.Max(1, args.GetInt("per-session", sessionsReused ? int.MaxValue : 1));
        var size = args.GetInt("size", 10 * 1024);
        var tls = args.Flag("tls");
        var resume = !args.Flag("no-tls-resume");
        var users = args.Get("users", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var password = args.Get("password", "");
        var from = args.Get("from", "");
        var to = args.Get("to", "rcpt@example.org");
        var bind = args.Get("bind", "") is { Length: > 0 } address ? IPAddress.Parse(address) : null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(args.GetInt("seconds", 300)));
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        var template = Body(size);
        var latencies = new List<double>[concurrency];
        var refused = new Dictionary<int, int>();
        var failures = 0;
        var sessions = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            var user = users.Length > 0 ? users[w % users.Length] : null;
            var sender = from.Length > 0 ? from : user ?? "sender@bench.example";
            var auth = user is null ? null : "AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            while (Volatile.Read(ref next) < count - 1 && !stop.IsCancellationRequested)
            {
                try
                {
                    await using var client = await OpenAsync(port, bind, tls, resume, auth, stop.Token);
                    Interlocked.Increment(ref sessions);
                    for (var i = 0; i < perSession && Interlocked.Increment(ref next) < count && !stop.IsCancellationRequested; i++)
                    {
                        var (code, ms) = await SendAsync(client, sender, to, template, next, stop.Token);
                        if (code == 250)
                        {
                            latencies[w].Add(ms);
                            continue;
                        }

                        lock (refused)
                        {
                            refused[code] = refused.GetValueOrDefault(code) + 1;
                        }

                        break;
                    }

                    await client.WriteLineAsync("QUIT", stop.Token);
                    await client.ReadReplyAsync(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (GreetingRefusedException e)
                {
                    // Refused at connect (an address over its budget of refused sessions): a refusal, not a failure.
                    lock (refused)
                    {
                        refused[e.Code] = refused.GetValueOrDefault(e.Code) + 1;
                    }
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        if (args.Get("out", "") is { Length: > 0 } outFile)
        {
            await File.WriteAllLinesAsync(outFile, all.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));
        }

        var summary = new
        {
            accepted = all.Length,
            refused = refused.ToDictionary(r => r.Key.ToString(CultureInfo.InvariantCulture), r => r.Value),
            refused_total = refused.Values.Sum(),
            failures,
            sessions,
            seconds = elapsed,
            per_second = all.Length / elapsed,
            refused_per_second = refused.Values.Sum() / elapsed,
            p50_ms = Percentile(all, 0.50),
            p90_ms = Percentile(all, 0.90),
            p99_ms = Percentile(all, 0.99),
            max_ms = all.Length == 0 ? 0 : all[^1],
        };
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Greeting, EHLO, STARTTLS and EHLO again, AUTH PLAIN: a session ready for its first MAIL FROM.</summary>
    private static async Task<SmtpLineClient> OpenAsync(int port, IPAddress? bind, bool tls, bool resume, string? auth, CancellationToken cancellationToken)
    {
        var client = await SmtpLineClient.ConnectAsync(port, bind, cancellationToken);
        try
        {
            var greeting = await client.ReadReplyAsync(cancellationToken);
            if (greeting is >= 400 and < 600)
            {
                throw new GreetingRefusedException(greeting);
            }

            Expect(greeting, 220, "greeting");
            await client.WriteLineAsync("EHLO mta.bench.example", cancellationToken);
            Expect(await client.ReadReplyAsync(cancellationToken), 250, "EHLO");
            if (tls)
            {
                await client.WriteLineAsync("STARTTLS", cancellationToken);
                Expect(await client.ReadReplyAsync(cancellationToken), 220, "STARTTLS");
                await client.StartTlsAsync("relay.bench.example", resume, cancellationToken);
                await client.WriteLineAsync("EHLO mta.bench.example", cancellationToken);
                Expect(await client.ReadReplyAsync(cancellationToken), 250, "EHLO after STARTTLS");
            }

            if (auth is not null)
            {
                await client.WriteLineAsync(auth, cancellationToken);
                Expect(await client.ReadReplyAsync(cancellationToken), 235, "AUTH");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>One transaction; returns the refusing reply's code, or 250 and the end-of-DATA to 250 time.</summary>
    private static async Task<(int Code, double Milliseconds)> SendAsync(SmtpLineClient client, string from, string to, byte[] template, int n, CancellationToken cancellationToken)
    {
        await client.WriteLineAsync($"MAIL FROM:<{from}>", cancellationToken);
        if (await client.ReadReplyAsync(cancellationToken) is var mail and not 250)
        {
            return (mail, 0);
        }

        await client.WriteLineAsync($"RCPT TO:<{to}>", cancellationToken);
        if (await client.ReadReplyAsync(cancellationToken) is var rcpt and not 250)
        {
            await client.WriteLineAsync("RSET", cancellationToken);
            await client.ReadReplyAsync(cancellationToken);
            return (rcpt, 0);
        }

        await client.WriteLineAsync("DATA", cancellationToken);
        Expect(await client.ReadReplyAsync(cancellationToken), 354, "DATA");
        // Each message its own Message-ID, as an MTA's would be; the rest of the content is the same.
        var body = (byte[])template.Clone();
        Encoding.ASCII.GetBytes(n.ToString("D10", CultureInfo.InvariantCulture)).CopyTo(body, MessageIdOffset);
        await client.WriteAsync(body, cancellationToken);
        var sent = Stopwatch.GetTimestamp();
        var code = await client.ReadReplyAsync(cancellationToken);
        return (code, Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
    }

    private sealed class GreetingRefusedException(int code) : Exception($"greeting: {code}")
    {
        public int Code { get; } = code;
    }

    private static void Expect(int code, int expected, string step)
    {
        if (code != expected)
        {
            throw new IOException($"{step}: expected {expected}, got {code}");
        }
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private const string Headers = "Message-ID: <0000000000@mta.bench.example>\r\nFrom: Sender <sender@bench.example>\r\nTo: rcpt@example.org\r\n"
        + "Subject: Order confirmation\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";

    private const int MessageIdOffset = 13;

    /// <summary>A plain-text message of about <paramref name="size"/> octets, ending with the DATA terminator.</summary>
    private static byte[] Body(int size)
    {
        var text = new StringBuilder(Headers);
        const string line = "Thank you for your order; it ships on Thursday and the invoice is attached to your account page.\r\n";
        while (text.Length < size)
        {
            text.Append(line);
        }

        text.Append(".\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
