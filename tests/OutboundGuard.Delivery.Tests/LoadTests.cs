using System.Diagnostics;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Load")]
public sealed class LoadTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    [LoadFact]
    public async Task A_30_second_outage_under_load_loses_nothing_and_delivers_every_message_once()
    {
        var count = Setting("OG_DELIVERY_MESSAGES", 2000);
        var outage = TimeSpan.FromSeconds(Setting("OG_DELIVERY_OUTAGE_SECONDS", 30));
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(sink.Port, maxConnections: 4);
            o.Parallelism = 8;
            o.RetryInitialDelay = TimeSpan.FromSeconds(1);
            o.RetryMaxDelay = TimeSpan.FromSeconds(5);
            o.PollInterval = TimeSpan.FromMilliseconds(500);
        });
        await harness.StartAsync();

        // Half the messages go out while the smarthost is up, the rest arrive during the outage.
        var clock = Stopwatch.StartNew();
        var spooling = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"load {i}"));
            }
        });
        await harness.WaitForStateCountAsync("delivered", count / 4, TimeSpan.FromMinutes(2));
        await sink.StopAsync();
        var outageStarted = clock.Elapsed;
        await Task.Delay(outage);
        await spooling;
        var deferred = (await harness.Queue.GetStatusAsync()).Count("deferred");
        await sink.StartAsync();
        var recoveryStarted = clock.Elapsed;

        await harness.WaitForStateCountAsync("delivered", count, TimeSpan.FromMinutes(5));
        var recovered = clock.Elapsed;

        Assert.Equal(count, (await harness.RowsAsync()).Count);
        var dumps = sink.Dumps();
        var recipients = dumps.Select(d => d.Recipients.Single()).ToList();
        output.WriteLine($"{count} messages; outage {outage.TotalSeconds:0} s from {outageStarted.TotalSeconds:0.0} s; {deferred} deferred at its end; all delivered {(recovered - recoveryStarted).TotalSeconds:0.0} s after the smarthost returned; {dumps.Count} dumps, {recipients.Distinct().Count()} distinct recipients.");
        Assert.True(deferred > 0, "the outage deferred messages");
        Assert.Equal(count, recipients.Distinct().Count());
        Assert.Equal(count, dumps.Count);
    }

    [LoadFact]
    public async Task Throughput_to_smtp_sink_with_connection_reuse()
    {
        var count = Setting("OG_DELIVERY_MESSAGES", 2000);
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(sink.Port, maxConnections: 4);
            o.Parallelism = 8;
        });
        for (var i = 0; i < count; i++)
        {
            await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"throughput {i}", new string('x', 2000) + "\r\n"));
        }

        var clock = Stopwatch.StartNew();
        await harness.StartAsync();
        await harness.WaitForStateCountAsync("delivered", count, TimeSpan.FromMinutes(5));
        clock.Stop();

        output.WriteLine($"{count} messages of ~2.3 KB in {clock.Elapsed.TotalSeconds:0.00} s: {count / clock.Elapsed.TotalSeconds:0} messages/s (parallelism 8, 4 connections).");
        Assert.Equal(count, sink.Dumps().Count);
    }
}
