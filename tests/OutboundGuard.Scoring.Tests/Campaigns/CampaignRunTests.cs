using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests.Campaigns;

/// <summary>Compromised accounts of one tenant repeating clean spam lose the tenant-template guard; staff sending a notice once keep it.</summary>
public class CampaignRunTests
{
    private const ulong F = 0x0123456789abcdefUL;

    [Fact]
    public void Three_accounts_of_one_tenant_each_repeating_a_text_lift_the_template_guard()
    {
        var tracker = new CampaignTracker();
        CampaignObservation? last = null;
        for (int m = 0; m < 5; m++)
        {
            for (int a = 1; a <= 3; a++)
            {
                last = tracker.Observe(F, [], a, "campus.example", established: true, badUrls: false, TestData.Start.AddSeconds((6 * m) + a));
            }
        }

        Assert.Equal((3, false, true), (last!.RepeatingAccounts, last.TemplateGuard, last.RepeatedInRuns));
        Assert.NotEmpty(tracker.AccountSuspended(1, TestData.Start.AddMinutes(1)));
    }

    [Fact]
    public void Twelve_staff_sending_a_notice_once_each_and_one_repeating_it_keep_the_guard()
    {
        var tracker = new CampaignTracker();
        CampaignObservation? last = null;
        for (int a = 1; a <= 12; a++)
        {
            last = tracker.Observe(F, [], a, "tenant.example", established: true, badUrls: false, TestData.Start.AddSeconds(40 * a));
        }

        for (int m = 0; m < 10; m++)
        {
            last = tracker.Observe(F, [], 1, "tenant.example", established: true, badUrls: false, TestData.Start.AddMinutes(9).AddSeconds(m));
        }

        Assert.True(last!.TemplateGuard);
        Assert.Empty(tracker.AccountSuspended(1, TestData.Start.AddMinutes(9.5)));
    }

    [Fact]
    public void Compromised_campus_accounts_repeating_clean_spam_are_stopped_and_their_reserves_blocked_on_first_message()
    {
        // The campus-reserves burst at the pipeline: 4 established accounts, 40 messages each 2 s apart to 4 new
        // recipients, three clean spam texts in turn; 4 reserve accounts take over 10 minutes later with the same texts.
        var clock = TestData.Clock();
        ScoringPipeline pipeline = ScoringPipeline.CreateDefault(new ScoringOptions(), clock);
        string[] texts =
        [
            "Make money from home with our proven system. Thousands of people already earn more every week without leaving the house. Join today and get started at http://income.example/start and see the results yourself.",
            "Lowest mortgage rates in years. Refinance now and save hundreds every month on your payments. Our advisers compare offers from many lenders for you, free of charge, at http://rates.example/apply today.",
            "Lose weight fast with the natural formula everyone is talking about. No diet and no exercise needed, just results you can see in days. Order your first bottle with a discount at http://slim.example/order now.",
        ];
        var events = new List<(TimeSpan At, int Account, int Message)>();
        for (int a = 0; a < 8; a++)
        {
            TimeSpan start = a >= 4 ? TimeSpan.FromMinutes(10) : TimeSpan.Zero;
            for (int m = 0; m < 40; m++)
            {
                events.Add((start + TimeSpan.FromSeconds((2 * m) + (a * 0.25)), a, m));
            }
        }

        var accounts = Enumerable.Range(0, 8).Select(a => TestData.Account(100 + a, "campus.example", ageDays: 200)).ToArray();
        var throttledUntil = new DateTimeOffset?[8];
        var suspendedAt = new int?[8];
        var stoppedAt = new int?[8];
        int relayed = 0, reservesRelayed = 0;
        DateTimeOffset origin = clock.GetUtcNow();
        foreach ((TimeSpan at, int a, int m) in events.OrderBy(e => e.At))
        {
            if (suspendedAt[a] is not null)
            {
                continue; // a suspended account is refused
            }

            clock.SetUtcNow(origin + at);
            bool cooling = throttledUntil[a] is { } until && until > clock.GetUtcNow();
            AccountProfile profile = accounts[a] with { State = cooling ? AccountState.Throttled : AccountState.Active, ThrottledUntil = cooling ? throttledUntil[a] : null };
            var recipients = Enumerable.Range(0, 4).Select(r => $"inbox{(a * 1000) + (m * 4) + r}@inboxes.example").ToList();
            Verdict v = pipeline.Score(TestData.Message(profile, recipients, TestData.Mail(profile.Address, "Offer", texts[m % 3]), ip: "198.51.100.7", session: $"s{a}"));
            if (v.Action is VerdictAction.Relay or VerdictAction.HighRiskRoute)
            {
                relayed++;
                reservesRelayed += a >= 4 ? 1 : 0;
            }
            else
            {
                stoppedAt[a] ??= m + 1;
            }

            if (v.Action == VerdictAction.Throttle && !cooling)
            {
                throttledUntil[a] = clock.GetUtcNow() + (v.CoolDown ?? TimeSpan.FromMinutes(15));
            }
            else if (v.Action == VerdictAction.Suspend)
            {
                suspendedAt[a] = m + 1;
            }
        }

        // The first wave is throttled on its runs and stays throttled (clean text from established accounts never suspends
        // them alone); the run's fingerprints are blocked then, so every reserve account is stopped on its first message.
        Assert.Equal(0, reservesRelayed);
        Assert.All(stoppedAt[4..], s => Assert.Equal(1, s));
        Assert.All(suspendedAt, s => Assert.Null(s));
        Assert.InRange(relayed, 0, 36);
    }
}
