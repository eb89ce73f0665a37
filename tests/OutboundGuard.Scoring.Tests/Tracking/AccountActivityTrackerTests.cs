using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Scoring.Tests.Tracking;

public class AccountActivityTrackerTests
{
    [Fact]
    public void Messages_leave_the_one_minute_window_after_a_minute_but_stay_in_the_hour()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        for (int i = 0; i < 5; i++)
        {
            tracker.RecordAttempt(TestData.Message(account, ["a@x.example", "b@y.example"]));
        }

        clock.Advance(TimeSpan.FromSeconds(61));
        AccountHistory h = tracker.RecordAttempt(TestData.Message(account));

        Assert.Equal(1, h.MessagesLastMinute);
        Assert.Equal(1, h.RecipientsLastMinute);
        Assert.Equal(6, h.MessagesLast10Minutes);
        Assert.Equal(6, h.MessagesLastHour);
        Assert.Equal(11, h.RecipientsLastHour);
        Assert.Equal(11, h.RecipientsLastDay);
    }

    [Fact]
    public void The_day_window_forgets_messages_older_than_a_day()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        tracker.RecordAttempt(TestData.Message(account));
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(2, tracker.RecordAttempt(TestData.Message(account)).MessagesLastDay);
        clock.Advance(TimeSpan.FromHours(1.5));
        AccountHistory h = tracker.RecordAttempt(TestData.Message(account));
        Assert.Equal(2, h.MessagesLastDay);
        Assert.Equal(1, h.MessagesLastHour);
    }

    [Fact]
    public void A_recipient_is_first_time_only_once()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        Assert.Equal(2, tracker.RecordAttempt(TestData.Message(account, ["a@x.example", "b@y.example"])).FirstTimeRecipientsInMessage);
        AccountHistory h = tracker.RecordAttempt(TestData.Message(account, ["A@X.example", "c@y.example"]));
        Assert.Equal(1, h.FirstTimeRecipientsInMessage);
        Assert.Equal(3, h.FirstTimeRecipientsLast10Minutes);
        Assert.Equal(2, h.DistinctRecipientDomainsLast10Minutes);
    }

    [Fact]
    public void Seeded_known_recipients_are_not_first_time_after_a_restart()
    {
        var tracker = new AccountActivityTracker(TestData.Clock());
        var account = TestData.Account();
        tracker.SeedKnownRecipients(account.Id, ["a@x.example"]);
        Assert.Equal(0, tracker.RecordAttempt(TestData.Message(account, ["a@x.example"])).FirstTimeRecipientsInMessage);
    }

    [Fact]
    public void Distinct_client_networks_and_parallel_sessions_are_counted_per_account()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        tracker.RecordAttempt(TestData.Message(account, ip: "192.0.2.1", session: "a"));
        tracker.RecordAttempt(TestData.Message(account, ip: "192.0.2.2", session: "b"));
        tracker.RecordAttempt(TestData.Message(account, ip: "198.51.100.7", session: "b"));
        clock.Advance(TimeSpan.FromSeconds(90));
        AccountHistory h = tracker.RecordAttempt(TestData.Message(account, ip: "203.0.113.3", session: "c"));
        Assert.Equal(3, h.DistinctClientIpsLastHour);
        Assert.Equal(1, h.ParallelSessions);
    }

    [Fact]
    public void A_network_the_account_did_not_use_earlier_today_is_reported_once_it_has_others_and_retries_are_not_counted_again()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        AccountHistory first = tracker.RecordAttempt(TestData.Message(account, ip: "192.0.2.10"));
        AccountHistory sameNetwork = tracker.RecordAttempt(TestData.Message(account, ip: "192.0.2.99"));
        AccountHistory elsewhere = tracker.RecordAttempt(TestData.Message(account, ip: "203.0.113.5"));
        var content = TestData.Mail(account.Address, "Invoice", "Please find the invoice attached.");
        AccountHistory sent = tracker.RecordAttempt(TestData.Message(account, content: content, ip: "192.0.2.10"));
        clock.Advance(TimeSpan.FromMinutes(10));
        AccountHistory retried = tracker.RecordAttempt(TestData.Message(account, content: content, ip: "192.0.2.10"));

        Assert.Null(first.NewClientNetwork);
        Assert.Null(sameNetwork.NewClientNetwork);
        Assert.Equal("203.0.113.0", elsewhere.NewClientNetwork?.ToString());
        Assert.False(sent.IsRetry);
        Assert.True(retried.IsRetry);
        Assert.Equal(sent.MessagesLastHour, retried.MessagesLastHour);
    }

    [Fact]
    public void An_imported_usual_volume_is_the_baseline_until_one_is_learned()
    {
        var tracker = new AccountActivityTracker(TestData.Clock());
        var imported = TestData.Account() with { UsualMessagesPerHour = 2.5 };

        Assert.Equal(2.5, tracker.RecordAttempt(TestData.Message(imported)).BaselineMessagesPerHour);
        Assert.Null(tracker.RecordAttempt(TestData.Message(TestData.Account(id: 2))).BaselineMessagesPerHour);
    }

    [Fact]
    public void Seeding_restores_windows_and_a_baseline_after_a_restart()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        // Two messages an hour for the last three days, one recipient each.
        var history = Enumerable.Range(1, 72 * 2).Select(i => (TestData.Start.AddMinutes(-30 * i), 1)).ToList();
        tracker.Seed(account.Id, history, account.Tenant);

        AccountHistory h = tracker.RecordAttempt(TestData.Message(account));
        Assert.InRange(h.MessagesLastDay, 49, 50);
        Assert.Equal(3, h.MessagesLastHour);
        Assert.NotNull(h.BaselineMessagesPerHour);
        Assert.InRange(h.BaselineMessagesPerHour!.Value, 1.9, 2.1);
        Assert.Equal(144, h.CleanMessages);
    }

    [Fact]
    public void There_is_no_baseline_before_a_day_of_history()
    {
        var tracker = new AccountActivityTracker(TestData.Clock());
        Assert.Null(tracker.RecordAttempt(TestData.Message(TestData.Account())).BaselineMessagesPerHour);
    }

    [Fact]
    public void Downstream_replies_are_classified_and_expire_after_an_hour()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var account = TestData.Account();
        tracker.RecordDownstreamReply(account.Id, 550, "5.1.1 <x@y.example>: Recipient address rejected: User unknown", clock.GetUtcNow());
        tracker.RecordDownstreamReply(account.Id, 554, "5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org", clock.GetUtcNow());
        tracker.RecordDownstreamReply(account.Id, 250, "2.0.0 Ok: queued", clock.GetUtcNow());
        Assert.Equal(new DownstreamCounts(3, 1, 1), tracker.RecordAttempt(TestData.Message(account)).Downstream);
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(DownstreamCounts.None, tracker.RecordAttempt(TestData.Message(account)).Downstream);
    }

    [Fact]
    public void An_account_using_the_IP_a_suspended_account_abused_is_linked_to_it_but_not_one_sharing_its_office_IP()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var bad = TestData.Account(1);
        tracker.RecordAttempt(TestData.Message(bad, ip: "192.0.2.50"));
        tracker.RecordAttempt(TestData.Message(bad, ip: "203.0.113.7"));
        tracker.RecordFlagged(bad.Id, System.Net.IPAddress.Parse("203.0.113.7"));
        tracker.MarkSuspended(bad.Id);

        AccountHistory linked = tracker.RecordAttempt(TestData.Message(TestData.Account(2), ip: "203.0.113.7"));
        Assert.Equal(["shares client IP 203.0.113.7 with suspended account 1"], linked.LinksToSuspendedAccounts);
        Assert.Empty(tracker.RecordAttempt(TestData.Message(TestData.Account(3), ip: "192.0.2.50")).LinksToSuspendedAccounts);
    }

    [Fact]
    public void Young_accounts_created_together_with_a_suspended_one_are_linked_and_reinstatement_sets_probation()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var bad = TestData.Account(1) with { CreatedAt = TestData.Start.AddHours(-2) };
        var sibling = TestData.Account(2) with { CreatedAt = TestData.Start.AddHours(-2).AddMinutes(4) };
        var veteran = TestData.Account(3);
        tracker.RecordAttempt(TestData.Message(bad));
        tracker.RecordAttempt(TestData.Message(sibling));
        tracker.RecordAttempt(TestData.Message(veteran));
        tracker.MarkSuspended(bad.Id);

        Assert.Equal(["created within 4 min of suspended account 1"], tracker.RecordAttempt(TestData.Message(sibling)).LinksToSuspendedAccounts);
        Assert.Empty(tracker.RecordAttempt(TestData.Message(veteran)).LinksToSuspendedAccounts);

        tracker.Reinstate(sibling.Id, TestData.Start.AddDays(7));
        AccountHistory h = tracker.RecordAttempt(TestData.Message(sibling));
        Assert.Empty(h.LinksToSuspendedAccounts);
        Assert.Equal(TestData.Start.AddDays(7), h.ProbationUntil);
    }

    [Fact]
    public void Known_recipients_stay_bounded()
    {
        var tracker = new AccountActivityTracker(TestData.Clock(), new ActivityTrackerOptions { KnownRecipientsPerAccount = 100 });
        var account = TestData.Account();
        for (int i = 0; i < 300; i++)
        {
            tracker.RecordAttempt(TestData.Message(account, [$"r{i}@x.example"]));
        }

        // The most recent ones are still known.
        Assert.Equal(0, tracker.RecordAttempt(TestData.Message(account, ["r299@x.example"])).FirstTimeRecipientsInMessage);
        Assert.Equal(1, tracker.RecordAttempt(TestData.Message(account, ["r0@x.example"])).FirstTimeRecipientsInMessage);
    }

    [Fact]
    public void Idle_accounts_are_pruned_and_active_ones_kept()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        tracker.RecordAttempt(TestData.Message(TestData.Account(1)));
        clock.Advance(TimeSpan.FromDays(9));
        tracker.RecordAttempt(TestData.Message(TestData.Account(2)));
        Assert.Equal(1, tracker.PruneIdle(TimeSpan.FromDays(8)));
        Assert.Equal(1, tracker.AccountCount);
    }
}
