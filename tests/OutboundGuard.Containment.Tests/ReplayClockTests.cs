using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Containment.Tests;

/// <summary>The test-only replay clock can never be switched on in production.</summary>
public sealed class ReplayClockTests
{
    [Fact]
    public async Task The_replay_clock_is_refused_at_start_up_in_production()
    {
        var data = Path.Combine(Path.GetTempPath(), "og-clock-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var (code, stdout, stderr) = await RelayProcess.RunAsync(
                ["serve", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--data", data],
                environment: new Dictionary<string, string>
                {
                    ["OutboundGuard__Environment"] = "Production",
                    ["OutboundGuard__Testing__ReplayClock"] = "true",
                },
                timeout: TimeSpan.FromMinutes(2));
            Assert.Equal(2, code);
            Assert.Contains("OutboundGuard:Testing:ReplayClock is a test-only mode and is refused when OutboundGuard:Environment is Production", stdout + stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
