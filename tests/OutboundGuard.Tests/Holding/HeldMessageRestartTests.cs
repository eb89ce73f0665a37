using System.Diagnostics;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.Holding;

/// <summary>A held message is a queue row: it survives the relay being killed and is rescanned and delivered by the next start.</summary>
public sealed class HeldMessageRestartTests
{
    [Fact]
    public async Task A_held_message_survives_a_killed_relay_and_is_rescanned_and_delivered_after_the_restart()
    {
        await using var sink = await PostfixSmtpSink.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "og-hold-" + Guid.NewGuid().ToString("N")[..10]);
        var smtp = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["OutboundGuard__Delivery__PollInterval"] = "00:00:01",
            ["OutboundGuard__Scoring__Hold__Duration"] = "00:00:30",
            ["OutboundGuard__Scoring__Hold__PollInterval"] = "00:00:01",
        };
        string[] serve = ["serve", "--smtp", $"127.0.0.1:{smtp}", "--http", $"127.0.0.1:{FreePort.Next()}", "--smarthost", $"127.0.0.1:{sink.Port}", "--data", data];
        var address = "fresh" + Guid.NewGuid().ToString("N")[..8] + "@hold-restart.example";
        var subject = "restart-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await using (var relay = RelayProcess.Start(serve, environment))
            {
                await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(120));
                var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
                var (code, _, stderr) = await RelayProcess.RunAsync(["accounts", "add", address, "--password-stdin", "--data", data], password + "\n");
                Assert.True(code == 0, stderr);
                Assert.Equal(250, await HoldMessages.SendAsync(smtp, address, password, HoldMessages.Create(address, 0, "restart-" + Guid.NewGuid().ToString("N")[..8] + ".example", subject)));
                Assert.Equal("held", (await HoldMessages.RowAsync(data, subject)).State);
                using var kill = Process.Start("kill", $"-KILL {relay.ProcessId}");
                await kill.WaitForExitAsync();
            }

            Assert.Empty(sink.ReceivedFiles());
            await using var restarted = RelayProcess.Start(serve, environment);
            await restarted.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(120));

            Assert.NotNull(await sink.WaitForMessageContainingAsync(subject, TimeSpan.FromMinutes(4)));

            // The smarthost has the message before the relay records its 250 (the attempt commits in the next group).
            var (state, reason) = await HoldMessages.WaitWhileAsync(data, subject, "delivering", TimeSpan.FromSeconds(60));
            Assert.Equal("delivered", state);
            Assert.Matches(@"^held \d+ (s|min): nothing learned meanwhile stops it; released$", reason);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
