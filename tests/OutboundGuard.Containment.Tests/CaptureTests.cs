using System.Text.Json;
using OutboundGuard.Replay.Bursts;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Containment.Tests;

/// <summary>An incident captured from one relay's spool and replayed against a fresh relay reproduces the suspension.</summary>
public sealed class CaptureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_captured_incident_replayed_against_a_fresh_relay_suspends_the_account_again()
    {
        // The low-and-slow phisher: its look-alike links are decisive, so the policy holds its messages and then suspends
        // it (a full-speed hijack with clean text is throttled and held instead, never suspended on pace alone).
        const string Account = "r.chen@lawfirm.example";
        var burstPath = Bursts.PathOf("low-and-slow-phishing");
        string password;
        using (var burst = BurstReader.Open(burstPath))
        {
            password = burst.PasswordOf(Account)!;
        }

        var captured = Path.Combine(Path.GetTempPath(), "og-capture-" + Guid.NewGuid().ToString("N")[..10]);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using (var original = await ContainmentRelay.StartAsync())
        {
            await original.CliAsync(null, "bursts", "setup", burstPath);
            var (first, _) = await original.ReplayAsync(burstPath);
            Assert.NotNull(first.Accounts.Single(a => a.Account == Account).FirstSuspension);
            var stdout = await original.CliAsync(null, "capture", Account, "--from", from.ToString("O"), "--to", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"), "--out", captured, "--label", "spam");
            output.WriteLine(stdout);
        }

        using (var incident = BurstReader.Open(captured))
        {
            Assert.Contains(incident.Entries, e => e.Status == BurstLabels.Refused && e.Verdict!.StartsWith("Suspend", StringComparison.Ordinal));
            Assert.Contains(incident.Entries, e => e.Status is null && !e.StandIn);
        }

        await using var fresh = await ContainmentRelay.StartAsync();
        await fresh.CliAsync(password + "\n", "accounts", "add", Account, "--password-stdin");
        await fresh.CliAsync(null, "bursts", "setup", captured);
        var credentials = Path.Combine(captured, "credentials.json");
        await File.WriteAllTextAsync(credentials, JsonSerializer.Serialize(new Dictionary<string, string> { [Account] = password }));
        var (report, text) = await fresh.ReplayAsync(captured, "--accounts", credentials);
        output.WriteLine(text);
        Assert.NotNull(report.Accounts.Single().FirstSuspension);
        var show = await fresh.CliAsync(null, "accounts", "show", Account, "--json");
        Assert.Contains("suspended", show, StringComparison.Ordinal);
    }
}
