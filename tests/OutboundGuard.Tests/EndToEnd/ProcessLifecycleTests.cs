using System.Diagnostics;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>How the executable starts, fails and stops, as scripts and CI see it.</summary>
public sealed class ProcessLifecycleTests
{
    private static string TempData() => Path.Combine(Path.GetTempPath(), "og-life-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Ctrl_C_stops_the_relay_and_its_private_postgres_leaving_no_process_behind()
    {
        var data = TempData();
        await using var relay = RelayProcess.Start(["serve", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--http", $"127.0.0.1:{FreePort.Next()}", "--data", data]);
        await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
        Assert.NotEmpty(PostgresProcesses.RunningIn(data));

        var exitCode = await relay.InterruptAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.Empty(PostgresProcesses.RunningIn(data));
    }

    [Fact]
    public async Task A_killed_relay_leaves_no_postgres_behind()
    {
        var data = TempData();
        await using var relay = RelayProcess.Start(["serve", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--http", $"127.0.0.1:{FreePort.Next()}", "--data", data]);
        await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));

        using (var kill = Process.Start("kill", $"-KILL {relay.ProcessId}"))
        {
            await kill.WaitForExitAsync();
        }

        // The watchdog notices within a second or two and stops the cluster.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (PostgresProcesses.RunningIn(data).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Empty(PostgresProcesses.RunningIn(data));
    }

    [Fact]
    public async Task The_demo_account_is_printed_with_a_swaks_line()
    {
        var data = TempData();
        await using var relay = RelayProcess.Start(["serve", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--http", $"127.0.0.1:{FreePort.Next()}", "--data", data]);
        // The banner's last line: every line before it has been read too.
        await relay.WaitForOutputAsync("Stop with Ctrl-C.", TimeSpan.FromSeconds(90));

        Assert.Contains("demo@demo.example", relay.Output, StringComparison.Ordinal);
        Assert.Contains("swaks --server 127.0.0.1", relay.Output, StringComparison.Ordinal);
        Assert.Contains("built-in sink", relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_connection_string_gives_one_clear_error()
    {
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["migrate", "--connection-string", $"Host=127.0.0.1;Port={FreePort.Next()};Username=nobody;Password=x;Database=none"]);

        Assert.Equal(1, code);
        Assert.Empty(stdout.Trim());
        var lines = stderr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: Cannot connect to PostgreSQL at 127.0.0.1:", lines[0], StringComparison.Ordinal);
        Assert.Contains("--connection-string", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_named_as_such()
    {
        var (code, _, stderr) = await RelayProcess.RunAsync(["migrate", "--connection-string", "this is not a connection string"]);

        Assert.Equal(1, code);
        Assert.Contains("connection string is not valid", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_applies_once_and_then_reports_the_schema_up_to_date()
    {
        var data = TempData();
        try
        {
            var first = await RelayProcess.RunAsync(["migrate", "--data", data]);
            var second = await RelayProcess.RunAsync(["migrate", "--data", data]);

            Assert.Equal(0, first.ExitCode);
            Assert.Equal(0, second.ExitCode);
            Assert.Contains("Schema up to date", second.StdOut, StringComparison.Ordinal);
            Assert.Equal(first.StdOut, second.StdOut);
            Assert.Empty(PostgresProcesses.RunningIn(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_password_is_never_taken_from_an_argument()
    {
        var (code, _, stderr) = await RelayProcess.RunAsync(["accounts", "add", "x@tenant.example", "--password", "secret", "--data", TempData()]);

        Assert.NotEqual(0, code);
        Assert.Contains("--password", stderr, StringComparison.Ordinal);
    }
}
