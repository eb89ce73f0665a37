using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_downstream_outage_defers_every_message_and_all_are_delivered_exactly_once_after_it()
    {
        const int count = 30;
        await using var sink = new SmtpSink();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(sink.Port, maxConnections: 3));
        await harness.StartAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"outage {i}")));
        }

        // The smarthost is down: every message is deferred with a recorded attempt, none is lost or bounced.
        await harness.WaitUntilAsync(rows => rows.All(r => r.State is "deferred" or "delivering") && rows.All(r => r.Attempts >= 1), what: "every message deferred");
        foreach (var id in ids)
        {
            var attempts = await harness.AttemptsAsync(id);
            Assert.NotEmpty(attempts);
            Assert.All(attempts, a => Assert.Equal(DeliveryAttempt.Deferred, a.Outcome));
        }

        var status = await harness.Queue.GetStatusAsync();
        var health = Assert.Single(status.Routes);
        Assert.True(health.ConsecutiveFailures >= 1);
        Assert.NotNull(health.LastFailure);
        Assert.Equal(count, status.Pending);

        await sink.StartAsync();

        await harness.WaitUntilAsync(rows => rows.All(r => r.State == "delivered"), TimeSpan.FromSeconds(30), "every message delivered after the outage");
        Assert.Equal(count, (await harness.RowsAsync()).Count);
        var dumps = sink.Dumps();
        Assert.Equal(count, dumps.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"r{i}@example.org").Order(), dumps.Select(d => Assert.Single(d.Recipients)).Order());
        status = await harness.Queue.GetStatusAsync();
        Assert.Equal(count, status.Count("delivered"));
        Assert.Equal(0, Assert.Single(status.Routes).ConsecutiveFailures);
        Assert.Null(status.OldestQueuedAge);
    }

    [Fact]
    public async Task A_smarthost_that_drops_the_connection_after_DATA_defers_the_message()
    {
        var drops = 1;
        await using var server = new ScriptedSmtpServer { OnData = _ => Interlocked.Decrement(ref drops) >= 0 ? throw new IOException("drop") : "250 2.0.0 Ok" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "dropped"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery after a dropped connection");
        var attempts = await harness.AttemptsAsync(id);
        Assert.Equal([DeliveryAttempt.Deferred, DeliveryAttempt.Accepted], attempts.Select(a => a.Outcome));
        Assert.Null(attempts[0].Code);
        Assert.Single(server.Received);
    }
}
