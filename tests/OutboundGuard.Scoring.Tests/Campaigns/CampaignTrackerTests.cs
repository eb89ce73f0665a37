using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Detectors;

namespace OutboundGuard.Scoring.Tests.Campaigns;

public class CampaignTrackerTests
{
    private const ulong F = 0x0123456789abcdefUL;

    [Fact]
    public void Near_identical_fingerprints_from_several_accounts_within_the_window_are_one_campaign()
    {
        var tracker = new CampaignTracker();
        tracker.Observe(F, [], 1, "a.example", established: false, badUrls: false, TestData.Start);
        tracker.Observe(F ^ 0b101, [], 2, "b.example", established: true, badUrls: false, TestData.Start.AddMinutes(2));
        CampaignObservation o = tracker.Observe(F ^ 0b1, [], 3, "b.example", established: false, badUrls: false, TestData.Start.AddMinutes(4));
        Assert.Equal((3, 2, 2, false), (o.Accounts, o.Tenants, o.FreshAccounts, o.TemplateGuard));

        CampaignObservation later = tracker.Observe(F, [], 4, "c.example", established: false, badUrls: false, TestData.Start.AddMinutes(13));
        Assert.Equal(2, later.Accounts); // accounts 1 and 2 fell out of the 10-minute window
    }

    [Fact]
    public void One_tenants_established_accounts_with_clean_content_are_guarded_and_a_bad_url_lifts_the_guard()
    {
        var tracker = new CampaignTracker();
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(tracker.Observe(F, [], i, "t.example", established: true, badUrls: false, TestData.Start).TemplateGuard);
        }

        Assert.False(tracker.Observe(F, [], 6, "t.example", established: true, badUrls: true, TestData.Start).TemplateGuard);
    }

    [Fact]
    public void A_suspension_blocks_unguarded_fingerprints_but_not_a_guarded_template()
    {
        var tracker = new CampaignTracker();
        const ulong template = 0xffff0000ffff0000UL;
        tracker.Observe(F, [], 1, "t.example", established: false, badUrls: true, TestData.Start);
        tracker.Observe(template, [], 1, "t.example", established: true, badUrls: false, TestData.Start);
        tracker.Observe(template, [], 2, "t.example", established: true, badUrls: false, TestData.Start);

        IReadOnlyList<string> blocked = tracker.AccountSuspended(1, TestData.Start.AddMinutes(1));
        Assert.Equal(["0123456789abcdef"], blocked);
        Assert.Equal("sent by suspended account 1", tracker.Observe(F ^ 0b11, [], 7, "x.example", false, false, TestData.Start.AddMinutes(2)).BlockedReason);
        Assert.False(tracker.Observe(template, [], 3, "t.example", true, false, TestData.Start.AddMinutes(2)).Blocked);
    }

    [Fact]
    public void A_suspended_sign_ups_short_clean_cover_mail_blocks_nobody_but_its_short_phishing_does()
    {
        var tracker = new CampaignTracker();
        const ulong cover = 0x00ff00ff00ff00ffUL;
        // A brand-new account's short order notice (12 words, no link) and its short phishing text with a look-alike link.
        tracker.Observe(cover, [], 1, "n.example", established: false, badUrls: false, TestData.Start, words: 12, brandNew: true);
        tracker.Observe(F, ["micros0ft-login.example"], 1, "n.example", established: false, badUrls: true, TestData.Start, words: 14, brandNew: true);

        IReadOnlyList<string> blocked = tracker.AccountSuspended(1, TestData.Start.AddMinutes(1));

        Assert.Equal(["0123456789abcdef"], blocked);
        // Another new customer writing the same short notice is not touched; the phishing text is blocked for everyone.
        Assert.False(tracker.Observe(cover ^ 0b1, [], 2, "m.example", established: false, badUrls: false, TestData.Start.AddMinutes(2), words: 12, brandNew: true).Blocked);
        Assert.True(tracker.Observe(F ^ 0b1, [], 3, "k.example", established: false, badUrls: false, TestData.Start.AddMinutes(2), words: 14, brandNew: true).Blocked);
    }

    [Fact]
    public void New_customers_short_clean_boilerplate_is_no_campaign_but_a_short_lure_with_an_uncommon_link_from_sign_ups_is()
    {
        static List<Evidence> Inspect(CampaignObservation o)
        {
            var findings = new List<Evidence>();
            new CampaignDetector().Inspect(TestData.Message(TestData.Account()), new AccountHistory { Now = TestData.Start, Campaign = o }, findings);
            return findings;
        }

        // "Please find attached the invoice." from five brand-new customers of five tenants within minutes: common boilerplate.
        var tracker = new CampaignTracker();
        CampaignObservation boilerplate = null!;
        for (var i = 0; i < 5; i++)
        {
            boilerplate = tracker.Observe(F, [], 10 + i, $"t{i}.example", established: false, badUrls: false, TestData.Start.AddMinutes(i), words: 6, brandNew: true);
        }

        Assert.Equal((5, 5, 5, true), (boilerplate.Accounts, boilerplate.NewAccounts, boilerplate.FreshAccounts, boilerplate.LowInformation));
        Assert.Empty(Inspect(boilerplate));

        // Three sign-ups sending the same short, clean text pointing to a domain nobody else links to: a campaign, throttled at least.
        const ulong lure = 0x7edcba9876543210UL;
        CampaignObservation campaign = null!;
        for (var i = 0; i < 3; i++)
        {
            campaign = tracker.Observe(lure, ["parcel-notice-center.example"], 20 + i, $"s{i}.example", established: false, badUrls: false, TestData.Start.AddMinutes(i), words: 9, brandNew: true);
        }

        Assert.True(campaign.UncommonLinks);
        Assert.True(Inspect(campaign).Single().Weight >= 40);
    }

    [Fact]
    public void Ops_can_block_and_unblock_a_fingerprint()
    {
        var tracker = new CampaignTracker();
        tracker.Block("0123456789abcdef", "confirmed by ops");
        Assert.Equal("confirmed by ops", tracker.Observe(F, [], 1, "t.example", true, false, TestData.Start).BlockedReason);
        tracker.Unblock("0123456789abcdef");
        Assert.False(tracker.Observe(F, [], 2, "t.example", true, false, TestData.Start).Blocked);
    }

    [Fact]
    public void The_campaign_detector_words_its_findings_for_ops()
    {
        static List<Evidence> Inspect(CampaignObservation o)
        {
            var findings = new List<Evidence>();
            new CampaignDetector().Inspect(TestData.Message(TestData.Account()), new AccountHistory { Now = TestData.Start, Campaign = o }, findings);
            return findings;
        }

        var campaign = new CampaignObservation("0123456789abcdef", 23, 4, 20, TimeSpan.FromMinutes(10), false, null, false, null) { BadContent = true, NewAccounts = 20 };
        Assert.Equal(("same body fingerprint sent by 23 accounts across 4 tenants in 10 min, 20 of them new", 100.0), Inspect(campaign).Select(f => (f.Text, f.Weight)).Single());
        Assert.Empty(Inspect(campaign with { TemplateGuard = true }));
        var cleanShared = new CampaignObservation("0123456789abcdef", 12, 2, 0, TimeSpan.FromMinutes(10), false, null, false, null);
        Assert.Equal(15, Inspect(cleanShared).Single().Weight);
    }

    [Fact]
    public void The_linked_accounts_detector_words_links_and_probation()
    {
        var findings = new List<Evidence>();
        var history = new AccountHistory
        {
            Now = TestData.Start,
            LinksToSuspendedAccounts = ["shares client IP 203.0.113.7 with suspended account 1"],
            ProbationUntil = TestData.Start.AddDays(7),
        };
        new LinkedAccountsDetector().Inspect(TestData.Message(TestData.Account()), history, findings);
        Assert.Equal(
        [
            ("linked to a suspended account: shares client IP 203.0.113.7 with suspended account 1", 20.0),
            ("on probation after reinstatement until 2026-11-09 09:00:00Z", 15.0),
        ], findings.Select(f => (f.Text, f.Weight)));
    }
}
