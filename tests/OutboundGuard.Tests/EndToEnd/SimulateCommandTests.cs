using System.Text.Json;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary><c>outboundguard simulate</c> as an admin runs it to try a policy.</summary>
public sealed class SimulateCommandTests
{
    [Fact]
    public async Task Simulate_reports_every_attack_contained_and_no_legitimate_account_suspended()
    {
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["simulate", "--accounts", "100", "--days", "1", "--json"]);

        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        Assert.Equal(0, root.GetProperty("legitimateAccountsSuspended").GetInt32());
        var attacks = root.GetProperty("attacks").EnumerateArray().ToList();
        Assert.Equal(4, attacks.Count);
        // Phishing attacks end suspended; the hijack and the campus run (clean text, pace and campaign signals) are held by
        // throttles, since pace alone and shared signals never suspend an established account.
        foreach (var name in new[] { "phishing over fresh accounts", "low-and-slow phishing" })
        {
            var attack = attacks.Single(a => a.GetProperty("name").GetString() == name);
            Assert.Equal(attack.GetProperty("accounts").GetInt32(), attack.GetProperty("accountsSuspended").GetInt32());
        }

        Assert.All(attacks, a => Assert.True(a.GetProperty("firstThrottleAt").GetInt32() > 0 || a.GetProperty("firstSuspensionAt").GetInt32() > 0, a.ToString()));
        var hijack = attacks.Single(a => a.GetProperty("name").GetString() == "full-speed hijack");
        Assert.InRange(hijack.GetProperty("relayed").GetInt32(), 0, 20);
    }

    [Fact]
    public async Task A_policy_file_with_disordered_thresholds_is_refused_naming_the_key()
    {
        var file = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "OutboundGuard": { "Scoring": { "Thresholds": { "Throttle": 90, "Suspend": 50 } } } }""");
        try
        {
            var (code, _, stderr) = await RelayProcess.RunAsync(["simulate", "--policy", file]);

            Assert.Equal(2, code);
            Assert.Contains("OutboundGuard:Scoring:Thresholds", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
