using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

/// <summary>
/// Inbound first: while the SMTP side receives messages, the queue delivers with its smaller share of slots, with all
/// of them once the SMTP side is quiet, and with all of them whatever happens once a message waited too long. A scripted
/// smarthost holds every transaction at DATA, so the transactions in flight can be counted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class InboundFirstTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_a_message_is_being_received_deliveries_use_the_inbound_first_share_and_all_slots_once_it_is_received()
    {
        await using var smarthost = new HeldSmarthost();
        await using var harness = await PacedHarnessAsync(smarthost, maxWait: TimeSpan.FromHours(1));
        var receiving = harness.Inbound.Receiving();
        await harness.StartAsync();
        await SpoolEightAsync(harness, "paced", age: TimeSpan.Zero);

        await smarthost.WaitForHeldAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(2, smarthost.Held);

        // The message is received: the queue is woken and claims the rest at once (not at its next poll).
        receiving.Dispose();
        await smarthost.WaitForHeldAsync(8);

        smarthost.Release();
        await harness.WaitForStateCountAsync("delivered", 8, Patience);
        Assert.Equal(8, smarthost.MostHeld);
    }

    [Fact]
    public async Task Once_a_message_waited_the_longest_allowed_every_slot_is_used_even_while_messages_are_being_received()
    {
        await using var smarthost = new HeldSmarthost();
        await using var harness = await PacedHarnessAsync(smarthost, maxWait: TimeSpan.FromSeconds(5));
        using var receiving = harness.Inbound.Receiving();
        await harness.StartAsync();
        await SpoolEightAsync(harness, "late", age: TimeSpan.FromSeconds(30));

        // The first claim finds messages that waited 30 s: from then on the queue uses all 8 slots.
        await smarthost.WaitForHeldAsync(8);
        smarthost.Release();
        await harness.WaitForStateCountAsync("delivered", 8, Patience);
    }

    [Fact]
    public void The_inbound_first_share_is_a_quarter_of_the_slots_by_default_and_never_more_than_all_of_them()
    {
        Assert.Equal(5, new DeliveryOptions { Parallelism = 20 }.EffectiveInboundFirstParallelism);
        Assert.Equal(1, new DeliveryOptions { Parallelism = 3 }.EffectiveInboundFirstParallelism);
        Assert.Equal(4, new DeliveryOptions { Parallelism = 4, InboundFirstParallelism = 9 }.EffectiveInboundFirstParallelism);
        var refused = new DeliveryOptionsValidator().Validate(null, new DeliveryOptions { InboundFirstParallelism = 0 });
        Assert.Contains(refused.Failures!, f => f.StartsWith("OutboundGuard:Delivery:InboundFirstParallelism ", StringComparison.Ordinal));
    }

    /// <summary>A queue of 8 slots, 2 of them while messages are being received, delivering to <paramref name="smarthost"/>.</summary>
    private Task<DeliveryHarness> PacedHarnessAsync(HeldSmarthost smarthost, TimeSpan maxWait) => DeliveryHarness.CreateAsync(postgres, o =>
    {
        o.Smarthost = DeliveryHarness.Loopback(smarthost.Server.Port, maxConnections: 8);
        o.Parallelism = 8;
        o.InboundFirstParallelism = 2;
        o.InboundFirstMaxWait = maxWait;
    });

    private static async Task SpoolEightAsync(DeliveryHarness harness, string subject, TimeSpan age)
    {
        for (var i = 0; i < 8; i++)
        {
            await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"{subject} {i}"), age: age);
        }
    }

    /// <summary>A smarthost that holds every transaction after its content until released, counting those held.</summary>
    private sealed class HeldSmarthost : IAsyncDisposable
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private int _held;
        private int _mostHeld;

        public HeldSmarthost()
        {
            Server.OnData = _ =>
            {
                var now = Interlocked.Increment(ref _held);
                Counting.RaiseTo(ref _mostHeld, now);
                _gate.Wait(Patience);
                Interlocked.Decrement(ref _held);
                return "250 2.0.0 Ok: queued";
            };
        }

        public ScriptedSmtpServer Server { get; } = new();

        public int Held => Volatile.Read(ref _held);

        public int MostHeld => Volatile.Read(ref _mostHeld);

        public void Release() => _gate.Set();

        public async Task WaitForHeldAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Held < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{Held} transaction(s) held, expected {count}");
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _gate.Set();
            await Server.DisposeAsync();
            _gate.Dispose();
        }
    }
}
