using System.Globalization;
using System.Net.Http;
using OutboundGuard.Testing.Processes;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>One relay node of a multi-node set-up: the process, its ports and its /metrics.</summary>
public sealed class RelayNode : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RelayNode(string name, RelayProcess process, int smtpPort, int httpPort)
    {
        Name = name;
        Process = process;
        SmtpPort = smtpPort;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public RelayProcess Process { get; }

    public int SmtpPort { get; }

    public int HttpPort { get; }

    /// <summary>
    /// Starts a node with the PROXY protocol required from 127.0.0.1 (HAProxy) and account entries kept in
    /// memory for up to 10 min, so only LISTEN/NOTIFY can tell it of a state change.
    /// </summary>
    public static async Task<RelayNode> StartAsync(string name, MultiNodeFixture cluster, bool proxyProtocol = true)
    {
        var smtpPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["OutboundGuard__Cluster__NodeName"] = name,
            ["OutboundGuard__Cluster__AccountCacheMaxAge"] = "00:10:00",
            ["OutboundGuard__Delivery__PollInterval"] = "00:00:01",
        };
        if (proxyProtocol)
        {
            environment["OutboundGuard__Smtp__Listeners__0__ProxyProtocol"] = "Required";
            environment["OutboundGuard__Smtp__TrustedProxies__0"] = "127.0.0.1";
        }

        var process = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{smtpPort}", "--http", $"127.0.0.1:{httpPort}", "--smarthost", $"127.0.0.1:{cluster.Sink.Port}",
             "--data", cluster.DataDirectory, "--connection-string", cluster.ConnectionString],
            environment);
        await process.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
        return new RelayNode(name, process, smtpPort, httpPort);
    }

    /// <summary>GET on the node's HTTP listener: status code and body.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}{path}"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes /metrics and returns the value of one sample ("name" or "name{labels}"), 0 when absent.</summary>
    public async Task<double> MetricAsync(string sample)
    {
        var (status, body) = await GetAsync("/metrics");
        if (status != 200)
        {
            throw new InvalidOperationException($"/metrics answered {status}: {body}");
        }

        return Value(body, sample);
    }

    /// <summary>
    /// The value of <paramref name="sample"/> ("name{labels}") in a Prometheus text exposition, or for a bare
    /// metric name the sum over all its label sets; 0 when absent.
    /// </summary>
    public static double Value(string exposition, string sample)
    {
        var sum = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            var matches = line.StartsWith(sample + " ", StringComparison.Ordinal)
                || (!sample.Contains('{', StringComparison.Ordinal) && line.StartsWith(sample + "{", StringComparison.Ordinal));
            if (matches)
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
