using Dapper;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class CrashRecoveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_message_claimed_by_a_node_that_died_is_delivered_once_its_lease_expires()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        var abandoned = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "abandoned"), state: "delivering");
        var stillHeld = await harness.SpoolAsync("alice@tenant.test", ["carol@example.org"], TestMessages.Simple("alice@tenant.test", "carol@example.org", "held"), state: "delivering");
        await using (var connection = await harness.DataSource.OpenConnectionAsync())
        {
            // A node that died mid-attempt (lease passed), and a live node still working (lease in the future).
            await connection.ExecuteAsync("UPDATE messages SET lease_owner = 'dead-node', lease_expires_at = now() - interval '1 second', attempts = 1 WHERE id = @Id", new { Id = abandoned });
            await connection.ExecuteAsync("UPDATE messages SET lease_owner = 'live-node', lease_expires_at = now() + interval '1 hour', attempts = 1 WHERE id = @Id", new { Id = stillHeld });
        }

        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Single(r => r.Id == abandoned).State == "delivered", what: "the abandoned message delivered");
        Assert.Equal(2, (await harness.RowAsync(abandoned)).Attempts);
        Assert.Equal("delivering", (await harness.RowAsync(stillHeld)).State);
        Assert.Equal(["bob@example.org"], Assert.Single(server.Received).Recipients);
    }

    [Fact]
    public async Task A_queue_restart_carries_on_with_deferred_messages()
    {
        var port = FreePort.Next();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(port));
        await harness.StartAsync();
        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "restart"));
        await harness.WaitUntilAsync(rows => rows.Single().State == "deferred", what: "deferral while the smarthost is down");

        await harness.StopAsync();
        await using var sink = new SmtpSinkOnPort(port);
        await sink.Server.StartAsync();
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery after the restart");
        Assert.Single(sink.Server.Dumps());
        Assert.True((await harness.RowAsync(id)).Attempts >= 2);
    }

    [Fact]
    public async Task Two_nodes_sharing_one_database_deliver_each_message_exactly_once()
    {
        const int count = 40;
        await using var server = new ScriptedSmtpServer();
        await using var nodeA = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await using var nodeB = nodeA.SecondNode();
        for (var i = 0; i < count; i++)
        {
            await nodeA.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"shared {i}"));
        }

        await Task.WhenAll(nodeA.StartAsync(), nodeB.StartAsync());

        await nodeA.WaitUntilAsync(rows => rows.All(r => r.State == "delivered"), what: "every message delivered");
        Assert.Equal(count, server.Received.Count);
        Assert.Equal(count, server.Received.Select(m => m.Recipients.Single()).Distinct().Count());
        await using var connection = await nodeA.DataSource.OpenConnectionAsync();
        Assert.Equal(count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM delivery_attempts WHERE outcome = 'accepted'"));
    }

    [Fact]
    public async Task A_row_queued_by_another_node_wakes_the_queue_through_NOTIFY_before_its_poll()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(server.Port);
            o.PollInterval = TimeSpan.FromMinutes(1);
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        await harness.StartAsync();
        await using (var connection = await harness.DataSource.OpenConnectionAsync())
        {
            // The queue is listening once its LISTEN ran; its start-up poll finds nothing.
            while (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'") == 0)
            {
                await Task.Delay(20);
            }
        }

        await Task.Delay(200);

        // Another node spools the row: no Notify() on this queue, only NOTIFY through the database.
        var other = harness.SecondNode();
        var id = await other.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "notified"));
        await harness.Repository.NotifyQueuedAsync(CancellationToken.None);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", TimeSpan.FromSeconds(10), "delivery well before the one-minute poll");
        Assert.Single(server.Received);
        Assert.Equal(1, (await harness.RowAsync(id)).Attempts);
    }

    /// <summary>smtp-sink on a port chosen before it runs, to bring a downstream up where the relay already points.</summary>
    private sealed class SmtpSinkOnPort(int port) : IAsyncDisposable
    {
        public SmtpSink Server { get; } = new(port);

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
