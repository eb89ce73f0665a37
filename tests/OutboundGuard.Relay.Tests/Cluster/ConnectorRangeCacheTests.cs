using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OutboundGuard.Cluster;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Cluster;

/// <summary>
/// The node's memory of which tenants' connector ranges hold a client address, on a database of its own with the real
/// migrations (their triggers announce every change), the real notification hub and repository. The cache's clock never
/// moves, so an entry could only ever be dropped by an announcement or by losing the hub, never by its age.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConnectorRangeCacheTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.7");

    [Fact]
    public async Task A_range_domain_or_removal_made_anywhere_is_seen_at_the_next_look_up_and_between_changes_the_answer_comes_from_memory()
    {
        await using var node = await NodeAsync();
        var tenants = new TenantRepository(node.DataSource);
        var connectors = new ConnectorTenantRepository(node.DataSource);

        Assert.Empty(await node.Cache.FindAsync(Client, CancellationToken.None));
        Assert.Equal(1, node.Cache.Count);

        await tenants.AddConnectorAsync("mta.example", "198.51.100.0/24");
        var found = await WaitForAsync(node.Cache, found => found.Count == 1);
        Assert.Equal("mta.example", found[0].Domain);
        Assert.False(found[0].SharedPlatform);

        // A change that announces nothing (the trigger off within its transaction) is not seen: the answer is the held one.
        await SettleAsync(node);
        await WithoutTriggersAsync(node.DataSource, "DELETE FROM tenant_connectors");
        Assert.Single(await node.Cache.FindAsync(Client, CancellationToken.None));
        await WithoutTriggersAsync(node.DataSource, "INSERT INTO tenant_connectors (tenant_id, network) SELECT id, '198.51.100.0/24' FROM tenants WHERE domain = 'mta.example'");

        Assert.Null(await connectors.AddDomainAsync("mta.example", "mail.mta.example"));
        found = await WaitForAsync(node.Cache, found => found.Count == 1 && found[0].Domains.Contains("mail.mta.example"));
        Assert.True(found[0].Holds("mail.mta.example"));

        // The same address as an IPv4-mapped IPv6 address is the same client.
        Assert.Single(await node.Cache.FindAsync(Client.MapToIPv6(), CancellationToken.None));

        Assert.True(await tenants.RemoveConnectorAsync("mta.example", "198.51.100.0/24"));
        await WaitForAsync(node.Cache, found => found.Count == 0);
    }

    [Fact]
    public async Task While_the_hub_has_lost_its_connection_every_look_up_reads_the_database()
    {
        await using var node = await NodeAsync();
        Assert.Empty(await node.Cache.FindAsync(Client, CancellationToken.None));

        await using (var kill = node.DataSource.CreateCommand($"SELECT pg_terminate_backend({node.Hub.BackendProcessId})"))
        {
            await kill.ExecuteNonQueryAsync();
        }

        // The lost connection may already be back: either way what was held before is gone.
        await WithoutTriggersAsync(node.DataSource, "INSERT INTO tenants (domain) VALUES ('quiet.example'); INSERT INTO tenant_connectors (tenant_id, network) SELECT id, '198.51.100.0/24' FROM tenants WHERE domain = 'quiet.example'");
        await WaitForAsync(node.Cache, found => found.Count == 1 && found[0].Domain == "quiet.example");
    }

    private async Task<Node> NodeAsync()
    {
        var dataSource = await postgres.CreateDatabaseAsync("connectors_" + Guid.NewGuid().ToString("N")[..12]);
        var hub = new NotificationHub(dataSource, Options.Create(new NotificationHubOptions()), TimeProvider.System, NullLogger<NotificationHub>.Instance);
        var cache = new ConnectorRangeCache(new ConnectorTenantRepository(dataSource), Options.Create(new ClusterOptions()), new FakeTimeProvider(DateTimeOffset.UtcNow));
        var listener = new ConnectorRangeListener(hub, cache);
        await listener.StartAsync(CancellationToken.None);
        await hub.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + Patience;
        while (!cache.IsListening)
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener never resynced");
            await Task.Delay(20);
        }

        return new Node(dataSource, hub, listener, cache);
    }

    private static async Task<IReadOnlyList<ConnectorTenant>> WaitForAsync(ConnectorRangeCache cache, Func<IReadOnlyList<ConnectorTenant>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var found = await cache.FindAsync(Client, CancellationToken.None);
            if (condition(found))
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the change was not seen in time");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until every announcement made so far has reached the cache (one change can announce twice, the second
    /// after the first was seen), then holds the client's entry again: a marker of our own is announced last, and the
    /// hub hands announcements over one by one in commit order, so once the marker is seen nothing earlier is on its way.
    /// </summary>
    private static async Task SettleAsync(Node node)
    {
        var marker = Guid.NewGuid().ToString("N");
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = node.Hub.Subscribe(NotificationChannels.Connectors, payload =>
        {
            if (payload == marker)
            {
                seen.TrySetResult();
            }
        });
        await using (var notify = node.DataSource.CreateCommand($"SELECT pg_notify('{ConnectorTenantRepository.ChangesChannel}', '{marker}')"))
        {
            await notify.ExecuteNonQueryAsync();
        }

        await seen.Task.WaitAsync(Patience);
        var deadline = DateTime.UtcNow + Patience;
        while (node.Cache.Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the marker did not drop the held entry");
            await Task.Delay(20);
        }

        Assert.NotEmpty(await node.Cache.FindAsync(Client, CancellationToken.None));
        Assert.Equal(1, node.Cache.Count);
    }

    private static async Task WithoutTriggersAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"ALTER TABLE tenant_connectors DISABLE TRIGGER USER; {sql}; ALTER TABLE tenant_connectors ENABLE TRIGGER USER", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private sealed record Node(NpgsqlDataSource DataSource, NotificationHub Hub, ConnectorRangeListener Listener, ConnectorRangeCache Cache) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Listener.StopAsync(CancellationToken.None);
            await Hub.StopAsync(CancellationToken.None);
            Hub.Dispose();
            await DataSource.DisposeAsync();
        }
    }
}
