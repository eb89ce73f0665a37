using Npgsql;
using OutboundGuard.Storage.Postgres;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>
/// Two real relay nodes (`outboundguard serve` processes) on different loopback ports sharing one private
/// PostgreSQL and one data folder (so either node can deliver any spooled message), with the PROXY protocol
/// required on their SMTP listeners, HAProxy in front sending it, and a Postfix smtp-sink downstream.
/// </summary>
public sealed class MultiNodeFixture : IAsyncLifetime
{
    public PrivatePostgres Postgres { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PostfixSmtpSink Sink { get; private set; } = null!;

    public HaproxyProcess Balancer { get; private set; } = null!;

    public RelayNode NodeA { get; private set; } = null!;

    public RelayNode NodeB { get; private set; } = null!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "og-multi-" + Guid.NewGuid().ToString("N")[..10]);

    public string ConnectionString => Postgres.ConnectionString;

    public async Task InitializeAsync()
    {
        await InitializeWithoutNodesAsync();
        NodeA = await RelayNode.StartAsync("node-a", this);
        NodeB = await RelayNode.StartAsync("node-b", this);
        Balancer = await HaproxyProcess.StartAsync(FreePort.Next(), [NodeA.SmtpPort, NodeB.SmtpPort]);
    }

    /// <summary>Starts PostgreSQL and the sink only, for tests that start their own node.</summary>
    public async Task InitializeWithoutNodesAsync()
    {
        Postgres = await PrivatePostgres.StartTemporaryAsync();
        DataSource = NpgsqlDataSource.Create(Postgres.ConnectionString);
        Sink = await PostfixSmtpSink.StartAsync();
    }

    /// <summary>Creates an account through the CLI against the shared database and returns its password.</summary>
    public async Task<string> AddAccountAsync(string address)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["accounts", "add", address, "--password-stdin", "--connection-string", ConnectionString], password + "\n");
        Assert.True(code == 0, $"accounts add failed ({code}): {stdout} {stderr}");
        return password;
    }

    /// <summary>Runs a CLI verb against the shared database.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> CliAsync(params string[] arguments)
        => RelayProcess.RunAsync([.. arguments, "--connection-string", ConnectionString]);

    public async Task DisposeAsync()
    {
        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
        }

        if (NodeA is not null)
        {
            await NodeA.DisposeAsync();
        }

        if (NodeB is not null)
        {
            await NodeB.DisposeAsync();
        }

        if (Sink is not null)
        {
            await Sink.DisposeAsync();
        }

        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
