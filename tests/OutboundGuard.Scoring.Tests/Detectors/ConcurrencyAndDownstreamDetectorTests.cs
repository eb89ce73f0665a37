using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests.Detectors;

public class ConcurrencyAndDownstreamDetectorTests
{
    [Fact]
    public void Many_client_networks_are_reported()
    {
        var findings = new List<Evidence>();
        new ConcurrencyDetector().Inspect(TestData.Message(TestData.Account()), new AccountHistory { Now = TestData.Start, DistinctClientIpsLastHour = 6, ParallelSessions = 5 }, findings);
        Assert.Equal([("sent from 6 client networks in 1 h", 48.0)], findings.Select(f => (f.Text, f.Weight)));
    }

    [Fact]
    public void A_burst_from_a_network_new_for_the_account_today_tightens_without_acting_alone()
    {
        var findings = new List<Evidence>();
        var history = new AccountHistory { Now = TestData.Start, MessagesLast10Minutes = 4, NewClientNetwork = System.Net.IPAddress.Parse("203.0.113.0") };
        new ConcurrencyDetector().Inspect(TestData.Message(TestData.Account()), history, findings);
        Assert.Equal([("4 messages in 10 min from client network 203.0.113.0, new for this account today", 15.0)], findings.Select(f => (f.Text, f.Weight)));
    }

    [Fact]
    public void Twenty_parallel_sessions_from_one_network_are_how_an_MTA_submits_and_no_finding()
    {
        var findings = new List<Evidence>();
        new ConcurrencyDetector().Inspect(TestData.Message(TestData.Account()), new AccountHistory { Now = TestData.Start, DistinctClientIpsLastHour = 1, ParallelSessions = 20 }, findings);
        Assert.Empty(findings);
    }

    [Fact]
    public void Three_client_IPs_are_ordinary()
    {
        var findings = new List<Evidence>();
        new ConcurrencyDetector().Inspect(TestData.Message(TestData.Account()), new AccountHistory { Now = TestData.Start, DistinctClientIpsLastHour = 3, ParallelSessions = 2 }, findings);
        Assert.Empty(findings);
    }

    [Fact]
    public void A_spike_of_unknown_user_and_blocked_replies_is_reported()
    {
        var findings = new List<Evidence>();
        var h = new AccountHistory { Now = TestData.Start, RecipientsLastHour = 30, Downstream = new DownstreamCounts(40, 12, 4) };
        new DownstreamFeedbackDetector().Inspect(TestData.Message(TestData.Account()), h, findings);
        Assert.Equal("12 of 40 smarthost replies in 1 h were 5xx unknown user (30 %)", findings[0].Text);
        Assert.Equal(30, findings[0].Weight);
        Assert.Equal("4 smarthost replies in 1 h were 5xx blocked as spam", findings[1].Text);
        Assert.Equal(VerdictAction.HighRiskRoute, findings[1].Forces);
    }
}
