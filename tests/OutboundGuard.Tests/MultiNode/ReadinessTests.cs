using System.Text.Json;
using Xunit;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>/health and /ready of a node whose PostgreSQL goes away.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly MultiNodeFixture _cluster = new();
    private RelayNode _node = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeWithoutNodesAsync();
        _node = await RelayNode.StartAsync("ready-node", _cluster, proxyProtocol: false);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Ready_answers_503_naming_postgres_when_PostgreSQL_is_stopped_while_health_stays_200()
    {
        var (status, body) = await _node.GetAsync("/ready");
        Assert.True(status == 200, body);
        using (var ready = JsonDocument.Parse(body))
        {
            Assert.Equal("ready", ready.RootElement.GetProperty("status").GetString());
            var names = ready.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
            Assert.Contains("postgres", names);
            Assert.Contains("spool", names);
            Assert.Contains(names, n => n.StartsWith("route:default", StringComparison.Ordinal));
        }

        await _cluster.Postgres.StopAsync();

        (status, body) = await _node.GetAsync("/ready");
        Assert.Equal(503, status);
        using (var notReady = JsonDocument.Parse(body))
        {
            Assert.Equal("not ready", notReady.RootElement.GetProperty("status").GetString());
            var postgres = notReady.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgres");
            Assert.False(postgres.GetProperty("ok").GetBoolean());
        }

        Assert.Equal(200, (await _node.GetAsync("/health")).Status);
        Assert.Equal(0, await _node.MetricAsync("outboundguard_database_up"));
    }
}
