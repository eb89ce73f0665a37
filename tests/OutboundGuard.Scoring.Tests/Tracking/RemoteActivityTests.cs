using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Scoring.Tests.Tracking;

/// <summary>Counts of other relay nodes merged into this node's windows.</summary>
public class RemoteActivityTests
{
    [Fact]
    public void Remote_messages_count_in_the_windows_of_the_next_local_attempt_but_not_in_the_clean_history()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();

        tracker.RecordRemote(account.Id, clock.GetUtcNow().AddSeconds(-10), messages: 4, recipients: 9);
        AccountHistory h = tracker.RecordAttempt(TestData.Message(account, ["a@x.example"]));

        Assert.Equal(5, h.MessagesLastMinute);
        Assert.Equal(10, h.RecipientsLastMinute);
        Assert.Equal(5, h.MessagesLastHour);
        Assert.Equal(0, h.CleanMessages);
        Assert.Equal((5, 10), tracker.LastMinute(account.Id));
    }

    [Fact]
    public void Remote_messages_leave_the_minute_window_a_minute_after_they_were_counted()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        tracker.RecordRemote(7, clock.GetUtcNow(), 3, 3);

        clock.Advance(TimeSpan.FromSeconds(62));

        Assert.Equal((0, 0), tracker.LastMinute(7));
        Assert.Equal(4, tracker.RecordAttempt(TestData.Message(TestData.Account(7))).MessagesLast10Minutes);
    }

    [Fact]
    public void A_remote_time_ahead_of_this_clock_is_taken_as_now_and_one_older_than_a_day_is_ignored()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        tracker.RecordRemote(3, clock.GetUtcNow().AddMinutes(5), 2, 2);
        tracker.RecordRemote(3, clock.GetUtcNow().AddDays(-2), 50, 50);

        Assert.Equal((2, 2), tracker.LastMinute(3));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal((0, 0), tracker.LastMinute(3));
    }

    [Fact]
    public void An_unknown_account_has_nothing_in_its_last_minute()
        => Assert.Equal((0, 0), new AccountActivityTracker(TestData.Clock()).LastMinute(42));
}
