using System.Diagnostics;
using System.Text;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class LargeContentTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_50_MB_message_is_delivered_to_smtp_sink_without_the_process_memory_growing_by_its_size()
    {
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(sink.Port));
        var size = await SpoolLargeAsync(harness, 50 * 1024 * 1024);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(10, CancellationToken.None);
            }
        });
        await harness.StartAsync();
        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", TimeSpan.FromMinutes(2), what: "delivery of the 50 MB message");
        await sampling.CancelAsync();
        await sampler;

        var growth = peak - before;
        output.WriteLine($"managed heap before {before / 1048576.0:F1} MB, peak growth {growth / 1048576.0:F1} MB for a {size / 1048576.0:F1} MB message");
        Assert.True(growth < 100L * 1024 * 1024, $"the managed heap grew by {growth} octets while delivering {size} octets");
        var dump = Assert.Single(System.IO.Directory.GetFiles(sink.Directory));
        // smtp-sink dumps with LF line endings: one octet less per line of 78.
        Assert.True(new FileInfo(dump).Length >= size / 78 * 77, "smtp-sink received the whole message");
        Assert.EndsWith("the last line\n\n", Encoding.ASCII.GetString(ReadTail(dump, 64)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_with_one_10_MB_folded_header_is_relayed_whole_and_byte_exact_within_30_seconds()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        var header = new StringBuilder("X-Hostile:");
        while (header.Length < 10 * 1024 * 1024)
        {
            header.Append(" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }

        var content = Encoding.ASCII.GetBytes("From: <a@tenant.test>\r\nTo: <b@example.org>\r\n" + header + "Subject: slow parser\r\n\r\nbody line\r\n");
        await harness.SpoolAsync("a@tenant.test", ["b@example.org"], content);

        var started = Stopwatch.GetTimestamp();
        await harness.StartAsync();
        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", TimeSpan.FromSeconds(30), what: "delivery of the 10 MB header");
        output.WriteLine($"delivered in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        var received = Assert.Single(server.Received);
        Assert.Equal(content.Length, received.Data.Length);
        Assert.True(content.AsSpan().SequenceEqual(received.Data), "the content is relayed byte for byte");
    }

    private static async Task<long> SpoolLargeAsync(DeliveryHarness harness, int size)
    {
        var line = Encoding.ASCII.GetBytes(new string('x', 76) + "\r\n");
        using var content = new MemoryStream(size + 1024);
        content.Write("From: <a@tenant.test>\r\nTo: <b@example.org>\r\nSubject: large\r\nContent-Type: application/octet-stream\r\n\r\n"u8);
        while (content.Length < size)
        {
            content.Write(line);
        }

        content.Write("the last line\r\n"u8);
        await harness.SpoolAsync("a@tenant.test", ["b@example.org"], content.ToArray());
        return content.Length;
    }

    private static byte[] ReadTail(string path, int count)
    {
        using var file = File.OpenRead(path);
        file.Seek(-count, SeekOrigin.End);
        var tail = new byte[count];
        file.ReadExactly(tail);
        return tail;
    }
}
