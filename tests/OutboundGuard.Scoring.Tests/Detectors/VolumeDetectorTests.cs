using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;

namespace OutboundGuard.Scoring.Tests.Detectors;

public class VolumeDetectorTests
{
    private static List<Evidence> Inspect(AccountProfile account, AccountHistory history)
    {
        var findings = new List<Evidence>();
        new VolumeDetector().Inspect(TestData.Message(account), history, findings);
        return findings;
    }

    [Fact]
    public void Over_the_hourly_limit_of_an_established_account()
    {
        var e = Assert.Single(Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, MessagesLastHour = 330, BaselineMessagesPerHour = 200, PeakMessagesPerHour = 300 }));
        Assert.Equal("330 messages in 1 h, limit 300", e.Text);
        Assert.Equal(46, e.Weight);
    }

    [Fact]
    public void A_new_account_starts_at_ten_percent_of_its_limits()
    {
        var e = Assert.Single(Inspect(TestData.Account(ageDays: 0), new AccountHistory { Now = TestData.Start, MessagesLastHour = 31 }));
        Assert.Equal("31 messages in 1 h, limit 30 (new account at 10 % of 300 while trust builds)", e.Text);
    }

    [Fact]
    public void The_trust_ramp_grows_with_age()
    {
        // 15 days: 10 % + 90 % × 15/30 = 55 % of 300 = 165.
        Assert.Empty(Inspect(TestData.Account(ageDays: 15), new AccountHistory { Now = TestData.Start, MessagesLastHour = 160 }));
        Assert.Equal("170 messages in 1 h, limit 165 (new account at 55 % of 300 while trust builds)",
            Assert.Single(Inspect(TestData.Account(ageDays: 15), new AccountHistory { Now = TestData.Start, MessagesLastHour = 170 })).Text);
    }

    [Fact]
    public void The_trust_ramp_grows_with_clean_history()
    {
        // A day old but 1000 clean messages: full limits.
        Assert.Empty(Inspect(TestData.Account(ageDays: 1), new AccountHistory { Now = TestData.Start, MessagesLastHour = 250, CleanMessages = 1000 }));
    }

    [Fact]
    public void An_hour_far_above_the_usual_for_this_hour_of_the_week()
    {
        var e = Assert.Single(Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, MessagesLastHour = 24, BaselineMessagesPerHour = 2, PeakMessagesPerHour = 8 }));
        Assert.Equal("24 messages in 1 h, 12× this account's usual 2 at this hour", e.Text);
        Assert.Equal(24, e.Weight);
    }

    [Fact]
    public void Recipients_per_day_over_the_limit()
    {
        var e = Assert.Single(Inspect(TestData.Account(), new AccountHistory { Now = TestData.Start, RecipientsLastDay = 12000 }));
        Assert.Equal("12,000 recipients in 1 day, limit 10,000", e.Text);
    }
}
