using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OutboundGuard.Bench;

/// <summary>
/// Sends --count messages of --size octets over --concurrency sessions and times each end-of-DATA
/// ("CRLF.CRLF" written) to its 250. Prints a JSON summary; --out writes every latency in milliseconds.
/// </summary>
internal static class LatencyClient
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var port = args.GetInt("port", 0);
        var count = args.GetInt("count", 1000);
        var concurrency = Math.Max(1, args.GetInt("concurrency", 20));
        var size = args.GetInt("size", 10 * 1024);
        var from = args.Get("from", "sender@bench.example");
        var to = args.Get("to", "rcpt@example.org");
        var seconds = args.GetInt("seconds", 300);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var body = Body(size);
        var latencies = new List<double>[concurrency];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            try
            {
                await using var client = await SmtpLineClient.ConnectAsync(port, deadline.Token);
                Expect(await client.ReadReplyAsync(deadline.Token), 220);
                await client.WriteLineAsync("EHLO latency.bench", deadline.Token);
                Expect(await client.ReadReplyAsync(deadline.Token), 250);
                while (Interlocked.Increment(ref next) < count && !deadline.IsCancellationRequested)
                {
                    await client.WriteLineAsync($"MAIL FROM:<{from}>", deadline.Token);
                    var mail = await client.ReadReplyAsync(deadline.Token);
                    await client.WriteLineAsync($"RCPT TO:<{to}>", deadline.Token);
                    var rcpt = await client.ReadReplyAsync(deadline.Token);
                    if (mail != 250 || rcpt != 250)
                    {
                        Interlocked.Increment(ref failures);
                        await client.WriteLineAsync("RSET", deadline.Token);
                        await client.ReadReplyAsync(deadline.Token);
                        continue;
                    }

                    await client.WriteLineAsync("DATA", deadline.Token);
                    Expect(await client.ReadReplyAsync(deadline.Token), 354);
                    await client.WriteAsync(body, deadline.Token);
                    var sent = Stopwatch.GetTimestamp();
                    var code = await client.ReadReplyAsync(deadline.Token);
                    if (code == 250)
                    {
                        latencies[w].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }

                await client.WriteLineAsync("QUIT", CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                Interlocked.Increment(ref failures);
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
            failures,
            seconds = elapsed,
            per_second = all.Length / elapsed,
            p50_ms = Percentile(all, 0.50),
            p90_ms = Percentile(all, 0.90),
            p99_ms = Percentile(all, 0.99),
            max_ms = all.Length == 0 ? 0 : all[^1],
        };
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return all.Length > 0 ? 0 : 1;
    }

    private static void Expect(int code, int expected)
    {
        if (code != expected)
        {
            throw new IOException($"expected {expected}, got {code}");
        }
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>A plain-text message of about <paramref name="size"/> octets, ending with the DATA terminator.</summary>
    private static byte[] Body(int size)
    {
        var text = new StringBuilder();
        text.Append("From: Sender <sender@bench.example>\r\nTo: rcpt@example.org\r\nSubject: Quarterly planning notes\r\n")
            .Append("Message-ID: <latency@bench.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        const string line = "The meeting moved to Thursday; please bring the budget figures and the draft schedule.\r\n";
        while (text.Length < size)
        {
            text.Append(line);
        }

        text.Append(".\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
