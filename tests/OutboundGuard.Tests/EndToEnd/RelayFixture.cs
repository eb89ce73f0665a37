using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// One real relay for a test class: `outboundguard serve` as a process with its private PostgreSQL in a
/// temp data folder, relaying to a real Postfix smtp-sink.
/// </summary>
public class RelayFixture : IAsyncLifetime
{
    public PostfixSmtpSink Sink { get; private set; } = null!;

    public RelayProcess Relay { get; private set; } = null!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "og-e2e-" + Guid.NewGuid().ToString("N")[..10]);

    public int SmtpPort { get; } = FreePort.Next();

    public int HttpPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        Sink = await PostfixSmtpSink.StartAsync();
        var environment = new Dictionary<string, string>
        {
            // Short retries so delivery tests need not wait minutes.
            ["OutboundGuard__Delivery__PollInterval"] = "00:00:01",
            // Connector tests name the account behind a connector in this header (SharedPlatformTests).
            ["OutboundGuard__Relay__ConnectorAccountHeader"] = "X-AuthUser",
        };
        Configure(environment);
        var smarthost = await StartSmarthostAsync();
        Relay = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{SmtpPort}", "--http", $"127.0.0.1:{HttpPort}", "--smarthost", $"127.0.0.1:{smarthost}", "--data", DataDirectory],
            environment);
        await Relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
    }

    /// <summary>Adds settings (environment variables) for a test class's relay.</summary>
    protected virtual void Configure(Dictionary<string, string> environment)
    {
    }

    /// <summary>Starts what the relay delivers to and returns its port: the smtp-sink itself unless a test class puts a server before it.</summary>
    protected virtual Task<int> StartSmarthostAsync() => Task.FromResult(Sink.Port);

    /// <summary>Stops what <see cref="StartSmarthostAsync"/> started besides the sink.</summary>
    protected virtual ValueTask StopSmarthostAsync() => ValueTask.CompletedTask;

    /// <summary>Creates an account through the CLI, as an admin would, and returns its password.</summary>
    public async Task<string> AddAccountAsync(string address)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["accounts", "add", address, "--password-stdin", "--data", DataDirectory], password + "\n");
        Assert.True(code == 0, $"accounts add failed ({code}): {stdout} {stderr}");
        return password;
    }

    /// <summary>Runs a CLI verb against this relay's data folder.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> CliAsync(params string[] arguments)
        => RelayProcess.RunAsync([.. arguments, "--data", DataDirectory]);

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        await StopSmarthostAsync();
        await Sink.DisposeAsync();
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
