using OutboundGuard.Replay.Reporting;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// Replays each reference burst over loopback against a fresh relay (replay clock on, so detectors see
/// captured rates) and asserts containment from what reached the downstream smtp-sink and what the SMTP
/// replies said: abusive mail out before containment stays small, legitimate senders are not suspended and
/// almost never deferred.
/// </summary>
public sealed class ContainmentTests(ITestOutputHelper output)
{
    /// <summary>Legitimate messages deferred must stay below this share of legitimate messages sent.</summary>
    private const double MaxLegitimateDeferredShare = 0.005;

    [Fact]
    public async Task A_hijacked_established_account_at_full_speed_gets_at_most_20_spam_messages_out()
    {
        var outcome = await ReplayAsync("hijack-full-speed");
        Assert.True(outcome.AbusiveDelivered <= 20, $"{outcome.AbusiveDelivered} spam messages of the hijacked account reached the smarthost (aim ≤ 20).");
        // Pace alone throttles the account and holds the throttle while the bot pushes; it never suspends on pace alone.
        var hijacked = outcome.Report.Accounts.Single(a => a.Account == "j.miller@acme.example");
        Assert.True(hijacked.FirstThrottle is not null || hijacked.FirstSuspension is not null, "the hijacked account was never stopped");
        AssertLegitimateUntouched(outcome.Report);
    }

    [Fact]
    public async Task A_phishing_campaign_over_fresh_accounts_gets_at_most_10_messages_out_in_total()
    {
        var outcome = await ReplayAsync("phishing-fresh-signups");
        Assert.True(outcome.AbusiveDelivered <= 10, $"{outcome.AbusiveDelivered} phishing messages reached the smarthost (aim ≤ 10 in total).");
        AssertLegitimateUntouched(outcome.Report);
    }

    [Fact]
    public async Task Compromised_campus_accounts_and_their_reserves_are_all_contained()
    {
        var outcome = await ReplayAsync("campus-reserves");
        foreach (var attacker in outcome.Report.Accounts.Where(a => a.Role == ReportBuilder.Roles.Abusive))
        {
            Assert.True(attacker.FirstThrottle is not null || attacker.FirstSuspension is not null || attacker.Accepted < attacker.Sent,
                $"{attacker.Account} was never contained: {attacker.Accepted} of {attacker.Sent} accepted.");
        }

        AssertLegitimateUntouched(outcome.Report);
    }

    [Fact]
    public async Task Low_and_slow_phishing_from_an_established_mailbox_is_contained()
    {
        var outcome = await ReplayAsync("low-and-slow-phishing");
        var attacker = outcome.Report.Accounts.Single(a => a.Account == "r.chen@lawfirm.example");
        Assert.True(outcome.AbusiveDelivered < attacker.Sent / 2, $"{outcome.AbusiveDelivered} of {attacker.Sent} phishing messages reached the smarthost.");
        AssertLegitimateUntouched(outcome.Report);
    }

    [Fact]
    public async Task A_newsletter_peak_within_its_raised_limits_is_delivered()
    {
        var outcome = await ReplayAsync("newsletter-peak");
        var newsletter = outcome.Report.Accounts.Single(a => a.Account == "news@shop.example");
        Assert.Equal(newsletter.Sent, newsletter.Accepted);
        AssertLegitimateUntouched(outcome.Report);
        Assert.True(outcome.Delivered >= outcome.Report.Accepted, $"{outcome.Delivered} of {outcome.Report.Accepted} accepted messages reached the smarthost.");
    }

    [Fact]
    public async Task Ordinary_ham_traffic_passes_untouched()
    {
        var outcome = await ReplayAsync("ordinary-ham");
        Assert.Equal(outcome.Report.Sent, outcome.Report.Accepted);
        AssertLegitimateUntouched(outcome.Report);
    }

    private static void AssertLegitimateUntouched(ReplayReport report)
    {
        Assert.True(report.LegitimateAccountsSuspended == 0, $"{report.LegitimateAccountsSuspended} legitimate account(s) suspended.");
        Assert.True(report.LegitimateRejected == 0, $"{report.LegitimateRejected} legitimate message(s) refused.");
        var share = report.LegitimateSent == 0 ? 0 : (double)report.LegitimateDeferred / report.LegitimateSent;
        Assert.True(share < MaxLegitimateDeferredShare, $"{report.LegitimateDeferred} of {report.LegitimateSent} legitimate messages deferred ({share:P2}; aim < 0.5 %).");
    }

    private async Task<Outcome> ReplayAsync(string name)
    {
        output.WriteLine($"Burst {name} from {Bursts.Source}");
        await using var relay = await ContainmentRelay.StartAsync();
        var burst = Bursts.PathOf(name);
        await relay.CliAsync(null, "bursts", "setup", burst);
        var (report, text) = await relay.ReplayAsync(burst);
        var delivered = await relay.DrainedSinkAsync();
        var entries = Bursts.ByMessageId(name);
        var abusiveDelivered = delivered.Select(ContainmentRelay.MessageIdOf).Count(id => id is not null && entries.TryGetValue(id, out var e) && e.IsAbusive);
        output.WriteLine(text);
        output.WriteLine($"Downstream: {delivered.Count} delivered, {abusiveDelivered} of them abusive.");
        return new Outcome(report, delivered.Count, abusiveDelivered);
    }

    private sealed record Outcome(ReplayReport Report, int Delivered, int AbusiveDelivered);
}
