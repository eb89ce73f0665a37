using System.Net;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Scoring.Tests.Tracking;

/// <summary>Links to suspended accounts must catch the attacker's IPs and sign-ups, never the tenant's own mail server or its staff.</summary>
public class LinkedAccountsTests
{
    private const string MailServer = "192.0.2.25";

    [Fact]
    public void A_hijacked_mailbox_sending_through_the_tenant_mail_server_does_not_link_the_colleagues_using_it()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var colleagues = Enumerable.Range(2, 3).Select(id => TestData.Account(id)).ToList();
        foreach (var colleague in colleagues)
        {
            tracker.RecordAttempt(TestData.Message(colleague, ip: MailServer));
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        var hijacked = TestData.Account(1);
        tracker.RecordAttempt(TestData.Message(hijacked, ip: MailServer));
        tracker.RecordFlagged(hijacked.Id, IPAddress.Parse(MailServer));
        tracker.MarkSuspended(hijacked.Id);

        Assert.Empty(tracker.RecordAttempt(TestData.Message(colleagues[0], ip: MailServer)).LinksToSuspendedAccounts);
        Assert.Empty(tracker.RecordAttempt(TestData.Message(TestData.Account(9, ageDays: 1), ip: MailServer)).LinksToSuspendedAccounts);
    }

    [Fact]
    public void An_IP_only_two_colleagues_used_is_rare_enough_to_link_them()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        tracker.RecordAttempt(TestData.Message(TestData.Account(2), ip: "192.0.2.77"));
        tracker.RecordAttempt(TestData.Message(TestData.Account(3), ip: "192.0.2.77"));
        clock.Advance(TimeSpan.FromMinutes(30));
        var bad = TestData.Account(1);
        tracker.RecordAttempt(TestData.Message(bad, ip: "192.0.2.77"));
        tracker.RecordFlagged(bad.Id, IPAddress.Parse("192.0.2.77"));
        tracker.MarkSuspended(bad.Id);

        Assert.Equal(["shares client IP 192.0.2.77 with suspended account 1"], tracker.RecordAttempt(TestData.Message(TestData.Account(2), ip: "192.0.2.77")).LinksToSuspendedAccounts);
    }

    [Fact]
    public void An_attacker_IP_that_several_established_accounts_only_started_using_during_the_attack_still_links_them()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var campus = Enumerable.Range(1, 5).Select(id => TestData.Account(id, tenant: "campus.example", ageDays: 200)).ToList();
        foreach (var account in campus)
        {
            tracker.RecordAttempt(TestData.Message(account, ip: "198.51.100.9"));
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        tracker.RecordFlagged(campus[0].Id, IPAddress.Parse("198.51.100.9"));
        tracker.MarkSuspended(campus[0].Id);

        Assert.Equal(["shares client IP 198.51.100.9 with suspended account 1"], tracker.RecordAttempt(TestData.Message(campus[3], ip: "198.51.100.9")).LinksToSuspendedAccounts);
    }

    [Fact]
    public void Established_colleagues_created_minutes_apart_from_a_suspended_account_are_not_its_siblings()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var bad = TestData.Account(1) with { CreatedAt = TestData.Start.AddDays(-30) };
        var colleague = TestData.Account(2) with { CreatedAt = TestData.Start.AddDays(-30).AddMinutes(3) };
        tracker.RecordAttempt(TestData.Message(bad, ip: "203.0.113.1"));
        tracker.RecordAttempt(TestData.Message(colleague, ip: "192.0.2.2"));
        tracker.MarkSuspended(bad.Id);

        Assert.Empty(tracker.RecordAttempt(TestData.Message(colleague, ip: "192.0.2.2")).LinksToSuspendedAccounts);
    }

    [Fact]
    public void The_first_accounts_of_a_tenant_stamped_together_when_first_seen_are_not_siblings()
    {
        // A connector tenant onboarded two days ago: every sender was stamped when the relay first saw it, minutes apart.
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var onboarded = TestData.Start.AddDays(-2);
        var staff = Enumerable.Range(1, 4).Select(id => TestData.Account(id, tenant: "connector.example") with { CreatedAt = onboarded.AddMinutes(id) }).ToList();
        foreach (var account in staff)
        {
            tracker.RecordAttempt(TestData.Message(account, ip: "192.0.2.40"));
        }

        tracker.MarkSuspended(staff[0].Id);

        Assert.Empty(tracker.RecordAttempt(TestData.Message(staff[2], ip: "192.0.2.40")).LinksToSuspendedAccounts);
    }

    [Fact]
    public void A_sign_up_created_with_a_suspended_one_is_linked_even_when_it_sends_only_after_the_suspension()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        tracker.RecordAttempt(TestData.Message(TestData.Account(7, tenant: "freemail.example"), ip: "192.0.2.3")); // the tenant exists for a year
        var bad = TestData.Account(1, tenant: "freemail.example") with { CreatedAt = TestData.Start.AddHours(-2) };
        tracker.RecordAttempt(TestData.Message(bad, ip: "203.0.113.1"));
        tracker.MarkSuspended(bad.Id);
        clock.Advance(TimeSpan.FromMinutes(5));

        var sibling = TestData.Account(2, tenant: "freemail.example") with { CreatedAt = TestData.Start.AddHours(-2).AddMinutes(3) };
        var history = tracker.RecordAttempt(TestData.Message(sibling, ip: "203.0.113.2"));

        var findings = new List<Evidence>();
        new LinkedAccountsDetector().Inspect(TestData.Message(sibling), history, findings);
        var finding = Assert.Single(findings);
        Assert.Equal("linked to a suspended account: created within 3 min of suspended account 1", finding.Text);
        Assert.Equal(20, finding.Weight);
    }

    [Fact]
    public void Reinstatement_puts_the_account_on_probation_and_lifts_its_taint()
    {
        var clock = TestData.Clock();
        var tracker = new AccountActivityTracker(clock);
        var bad = TestData.Account(1);
        tracker.RecordAttempt(TestData.Message(bad, ip: "203.0.113.7"));
        tracker.RecordFlagged(bad.Id, IPAddress.Parse("203.0.113.7"));
        tracker.MarkSuspended(bad.Id);
        Assert.True(tracker.IsMarkedSuspended(bad.Id));

        tracker.Reinstate(bad.Id, TestData.Start.AddDays(7));

        Assert.False(tracker.IsMarkedSuspended(bad.Id));
        Assert.Empty(tracker.RecordAttempt(TestData.Message(TestData.Account(2), ip: "203.0.113.7")).LinksToSuspendedAccounts);
        AccountHistory history = tracker.RecordAttempt(TestData.Message(bad, ip: "203.0.113.7"));
        var findings = new List<Evidence>();
        new LinkedAccountsDetector().Inspect(TestData.Message(bad), history, findings);
        Assert.Equal(["on probation after reinstatement until 2026-11-09 09:00:00Z"], findings.Select(f => f.Text));
        Assert.Equal(15, findings[0].Weight);
    }
}
