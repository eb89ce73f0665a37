using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests.Detectors;

public class RateDetectorTests
{
    private static List<Evidence> Inspect(AccountProfile account, AccountHistory history)
    {
        var findings = new List<Evidence>();
        new RateDetector().Inspect(TestData.Message(account), history, findings);
        return findings;
    }

    [Fact]
    public void Over_the_minute_limit_says_how_many_and_forces_a_throttle()
    {
        var e = Assert.Single(Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, MessagesLastMinute = 45, MessagesLast10Minutes = 45 }),
            f => f.Text.Contains("in 1 min", StringComparison.Ordinal));
        Assert.Equal("45 messages in 1 min, limit 30", e.Text);
        Assert.Equal(70, e.Weight);
        Assert.Equal(VerdictAction.Throttle, e.Forces);
    }

    [Fact]
    public void More_than_twice_the_minute_limit_is_decisive_for_suspension()
    {
        var e = Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, MessagesLastMinute = 61, MessagesLast10Minutes = 61 })[0];
        Assert.Equal("61 messages in 1 min, limit 30", e.Text);
        Assert.Equal(100, e.Weight);
        Assert.Equal(VerdictAction.Suspend, e.Forces);
    }

    [Fact]
    public void A_new_account_has_a_ramped_minute_limit_and_the_text_says_so()
    {
        var e = Inspect(TestData.Account(ageDays: 0), new AccountHistory { Now = TestData.Start, MessagesLastMinute = 6, MessagesLast10Minutes = 6 })[0];
        Assert.Equal("6 messages in 1 min, limit 5 (new account at 10 % of 30)", e.Text);
    }

    [Fact]
    public void A_burst_far_above_the_baseline_reports_the_multiple()
    {
        var h = new AccountHistory { Now = TestData.Start, MessagesLastMinute = 12, MessagesLast10Minutes = 12, BaselineMessagesPerHour = 2, PeakMessagesPerHour = 9 };
        var e = Assert.Single(Inspect(TestData.Account(), h));
        Assert.Equal("12 messages in 10 min, 6× this account's hourly baseline of 2", e.Text);
        Assert.Equal(25, e.Weight);
    }

    [Fact]
    public void First_time_recipients_and_many_domains_add_burst_evidence()
    {
        var h = new AccountHistory { Now = TestData.Start, MessagesLastMinute = 5, MessagesLast10Minutes = 5, FirstTimeRecipientsLast10Minutes = 20, DistinctRecipientDomainsLast10Minutes = 16 };
        var texts = Inspect(TestData.Account(), h).Select(f => (f.Text, f.Weight)).ToList();
        Assert.Equal([("20 first-time recipients in 10 min over 5 messages", 20.0), ("16 distinct recipient domains in 10 min", 12.0)], texts);
    }

    [Fact]
    public void A_newsletter_account_with_raised_limits_weighs_burst_shape_lightly()
    {
        var newsletter = TestData.Account(limits: new AccountLimits(MessagesPerMinute: 600, MessagesPerHour: 20000, RecipientsPerMinute: 2000, RecipientsPerHour: 50000, RecipientsPerDay: 200000));
        var h = new AccountHistory { Now = TestData.Start, MessagesLastMinute = 300, MessagesLast10Minutes = 300, FirstTimeRecipientsLast10Minutes = 300, DistinctRecipientDomainsLast10Minutes = 120, BaselineMessagesPerHour = 5, PeakMessagesPerHour = 4000 };
        double total = Inspect(newsletter, h).Sum(f => f.Weight);
        Assert.True(total < 5, $"total {total}");
    }

    [Fact]
    public void An_ordinary_quiet_minute_finds_nothing()
    {
        Assert.Empty(Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, MessagesLastMinute = 2, MessagesLast10Minutes = 3, BaselineMessagesPerHour = 3 }));
    }
}
