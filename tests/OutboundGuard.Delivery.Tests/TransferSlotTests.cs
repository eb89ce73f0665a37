using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

/// <summary>
/// An attempt holds one of the queue's slots while it transfers, not while it is recorded: with the records held up
/// (another transaction locks <c>delivery_attempts</c>, so every record waits), the queue goes on delivering until as
/// many attempts again as it has slots are waiting to be recorded, never more, and never more transfers at once than
/// slots. Once the lock goes, every record commits and the rest is delivered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TransferSlotTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Records_waiting_on_the_database_free_their_slots_for_transfers_up_to_as_many_again_as_there_are_slots()
    {
        await using var smarthost = new ScriptedSmtpServer();
        var transferring = 0;
        var mostTransferring = 0;
        var transfers = 0;
        smarthost.OnData = _ =>
        {
            var now = Interlocked.Increment(ref transferring);
            Counting.RaiseTo(ref mostTransferring, now);
            Thread.Sleep(50);
            Interlocked.Decrement(ref transferring);
            Interlocked.Increment(ref transfers);
            return "250 2.0.0 Ok: queued";
        };

        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(smarthost.Port, maxConnections: 8);
            o.Parallelism = 2;
        });
        for (var i = 0; i < 10; i++)
        {
            await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"slot {i}"));
        }

        await using var blocker = await harness.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockAttempts = blocker.CreateCommand())
        {
            lockAttempts.Transaction = transaction;
            lockAttempts.CommandText = "LOCK TABLE delivery_attempts IN SHARE MODE";
            await lockAttempts.ExecuteNonQueryAsync();
        }

        await harness.StartAsync();

        // Two slots, records held: two transfers, then two more while the first two wait to be recorded; then nothing.
        var deadline = DateTime.UtcNow + Patience;
        while (Volatile.Read(ref transfers) < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Volatile.Read(ref transfers)} transfer(s) while records waited, expected 4");
            await Task.Delay(20);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(4, Volatile.Read(ref transfers));
        Assert.DoesNotContain(await harness.RowsAsync(), r => r.State == "delivered");

        await transaction.RollbackAsync();
        await harness.WaitForStateCountAsync("delivered", 10, Patience);
        Assert.Equal(10, Volatile.Read(ref transfers));
        Assert.InRange(Volatile.Read(ref mostTransferring), 1, 2);
    }
}
