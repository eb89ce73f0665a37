using System.Globalization;
using System.Text.Json;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>State changes made by the CLI (another process) reach the running relay's scoring memory.</summary>
public sealed class ScoringStateTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string ProbationPrefix = "on probation after reinstatement until ";

    [Fact]
    public async Task An_account_reinstated_through_the_CLI_is_scored_on_probation_for_seven_days_by_the_running_relay()
    {
        var address = $"dana{Guid.NewGuid():N}"[..12] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        Assert.Equal(250, await SendAsync(address, password, "Before"));
        Assert.Empty(await ProbationFindingsAsync(address));

        await CliOkAsync("accounts", "suspend", address, "--reason", "credentials phished");
        await CliOkAsync("accounts", "reinstate", address, "--reason", "password reset with the customer");
        var reinstatedAt = DateTimeOffset.UtcNow;

        // The relay learns of the reinstatement through its state listener (another process made it), then scores on probation.
        await relay.Relay.WaitForOutputAsync($"Scoring told of account {await AccountIdAsync(address)}'s state change: reinstated", TimeSpan.FromSeconds(30));
        Assert.Equal(250, await SendAsync(address, password, "After"));
        var findings = await ProbationFindingsAsync(address);

        var finding = Assert.Single(findings);
        var until = DateTimeOffset.Parse(finding[ProbationPrefix.Length..], CultureInfo.InvariantCulture);
        Assert.InRange(until, reinstatedAt.AddDays(7).AddMinutes(-5), reinstatedAt.AddDays(7).AddMinutes(5));
    }

    private async Task CliOkAsync(params string[] arguments)
    {
        var (code, stdout, stderr) = await relay.CliAsync(arguments);
        Assert.True(code == 0, $"outboundguard {string.Join(' ', arguments)} exited {code}: {stdout} {stderr}");
    }

    private Task<int> SendAsync(string address, string password, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(address));
        message.To.Add(MailboxAddress.Parse("bob@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nthe minutes of today's meeting are attached.\r\n" };
        return Submission.SendAsync(relay.SmtpPort, address, password, message);
    }

    private async Task<long> AccountIdAsync(string address)
    {
        var (_, stdout, _) = await relay.CliAsync("accounts", "show", address, "--json");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>The probation findings among the account's stored verdicts.</summary>
    private async Task<IReadOnlyList<string>> ProbationFindingsAsync(string address)
    {
        var (code, stdout, stderr) = await relay.CliAsync("accounts", "show", address, "--json");
        Assert.True(code == 0, $"accounts show exited {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return [.. json.RootElement.GetProperty("verdicts").EnumerateArray()
            .SelectMany(v => v.GetProperty("evidence").EnumerateArray())
            .Select(e => e.GetProperty("text").GetString()!)
            .Where(t => t.StartsWith(ProbationPrefix, StringComparison.Ordinal))];
    }
}
