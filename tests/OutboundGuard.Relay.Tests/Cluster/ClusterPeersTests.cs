using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OutboundGuard.Cluster;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Cluster;

/// <summary>
/// Which other relay nodes a node knows to be running: two nodes on one database of their own, each with the real
/// notification hub and announcer. The synchronous share of counters depends on it, so every doubt must read "running".
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterPeersTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_alone_knows_no_peer_a_second_one_is_known_to_both_at_once_and_a_goodbye_forgets_it()
    {
        var dataSource = await postgres.CreateDatabaseAsync("peers_" + Guid.NewGuid().ToString("N")[..12]);
        await using var a = new Node(dataSource, "node-a");
        Assert.True(a.Peers.AnyRunning, "before it listens a node cannot know it is alone");

        await a.StartAsync();
        await WaitForAsync(() => !a.Peers.AnyRunning, "node A alone still counts a peer");
        Assert.Equal(0, a.Peers.Running);

        await using (var b = new Node(dataSource, "node-b"))
        {
            await b.StartAsync();

            // B's hello reaches A; A answers at once (well before its 10 s announcement), so B knows A too.
            await WaitForAsync(() => a.Peers.Running == 1 && b.Peers.Running == 1, $"A knows {a.Peers.Running}, B knows {b.Peers.Running}");
            Assert.True(a.Peers.AnyRunning);
            Assert.True(b.Peers.AnyRunning);
        }

        await WaitForAsync(() => !a.Peers.AnyRunning, "node B's goodbye was not heard");
    }

    [Fact]
    public void A_peer_that_stops_announcing_counts_until_its_expiry_and_a_node_not_listening_always_assumes_one()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options.Create(new ClusterOptions { PeerExpiry = TimeSpan.FromSeconds(35) });
        var peers = new ClusterPeers(options, time);
        Assert.True(peers.AnyRunning);

        peers.SetListening(true);
        Assert.False(peers.AnyRunning);
        peers.Seen("node-b");
        Assert.True(peers.AnyRunning);
        time.Advance(TimeSpan.FromSeconds(34));
        Assert.True(peers.AnyRunning);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(peers.AnyRunning);
        Assert.Equal(0, peers.Running);

        peers.Seen("node-b");
        peers.SetListening(false);
        peers.Left("node-b");
        Assert.True(peers.AnyRunning, "a node that lost its hub connection cannot know who runs");
    }

    [Theory]
    [InlineData("hello:relay-1", NodeAnnouncementKind.Hello, "relay-1")]
    [InlineData("here:relay-1:x", NodeAnnouncementKind.Here, "relay-1:x")]
    [InlineData("bye:r", NodeAnnouncementKind.Bye, "r")]
    public void An_announcement_reads_back_as_written(string payload, NodeAnnouncementKind kind, string node)
    {
        Assert.True(NodeAnnouncement.TryParse(payload, out var read));
        Assert.Equal(new NodeAnnouncement(kind, node), read);
        Assert.Equal(payload, read.Payload);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello:")]
    [InlineData(":relay-1")]
    [InlineData("wave:relay-1")]
    [InlineData("relay-1")]
    public void A_payload_without_a_known_kind_and_a_node_is_refused(string payload)
        => Assert.False(NodeAnnouncement.TryParse(payload, out _));

    private static async Task WaitForAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, because);
            await Task.Delay(20);
        }
    }

    /// <summary>One node's hub, listener and view of its peers.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly NotificationHub _hub;
        private readonly ClusterPeersListener _listener;
        private bool _started;

        public Node(NpgsqlDataSource dataSource, string name)
        {
            var options = Options.Create(new ClusterOptions { NodeName = name });
            _hub = new NotificationHub(dataSource, Options.Create(new NotificationHubOptions()), TimeProvider.System, NullLogger<NotificationHub>.Instance);
            Peers = new ClusterPeers(options, TimeProvider.System);
            _listener = new ClusterPeersListener(_hub, new NodeAnnouncer(dataSource), Peers, options, TimeProvider.System, NullLogger<ClusterPeersListener>.Instance);
        }

        public ClusterPeers Peers { get; }

        public async Task StartAsync()
        {
            await _listener.StartAsync(CancellationToken.None);
            await _hub.StartAsync(CancellationToken.None);
            _started = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_started)
            {
                await _listener.StopAsync(CancellationToken.None);
                await _hub.StopAsync(CancellationToken.None);
            }

            _listener.Dispose();
            _hub.Dispose();
        }
    }
}
