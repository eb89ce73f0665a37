using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Dns;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests;

public class PipelineTests
{
    private static ScoringPipeline Pipeline(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, ScoringOptions? shadow = null, IDnsBlocklistResolver? resolver = null) =>
        ScoringPipeline.CreateDefault(new ScoringOptions(), clock, resolver: resolver, shadowOptions: shadow);

    /// <summary>Two messages an hour for a week, to known recipients.</summary>
    private static void Establish(ScoringPipeline pipeline, AccountProfile account)
    {
        pipeline.Tracker.Seed(account.Id, Enumerable.Range(1, 7 * 24 * 2).Select(i => (TestData.Start.AddMinutes(-30 * i), 1)), account.Tenant);
        pipeline.Tracker.SeedKnownRecipients(account.Id, ["friend@partner.example"], account.Tenant);
    }

    [Fact]
    public void A_full_speed_hijack_is_throttled_within_ten_messages_and_nothing_more_leaves_while_it_pushes()
    {
        var clock = TestData.Clock();
        ScoringPipeline pipeline = Pipeline(clock);
        AccountProfile account = TestData.Account();
        Establish(pipeline, account);
        int throttledAt = 0, relayedAfter = 0;
        Verdict? throttle = null;
        for (int n = 1; n <= 300; n++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            bool cooling = throttledAt > 0;
            var profile = account with { State = cooling ? AccountState.Throttled : AccountState.Active, ThrottledUntil = cooling ? clock.GetUtcNow().AddMinutes(15) : null };
            Verdict v = pipeline.Score(TestData.Message(profile, [$"victim{n}@target{n}.example"], ip: "203.0.113.5", session: $"h{n % 8}"));
            if (throttledAt == 0 && v.Action >= VerdictAction.Throttle)
            {
                (throttledAt, throttle) = (n, v);
            }
            else if (throttledAt > 0 && v.Action < VerdictAction.Throttle)
            {
                relayedAfter++;
            }
        }

        // Pace alone never suspends (a customer's MTA pushing its queue looks the same); the throttle holds while it pushes.
        Assert.InRange(throttledAt, 1, 10);
        Assert.Equal(0, relayedAfter);
        Assert.Equal(VerdictAction.Throttle, throttle!.Action);
        Assert.Contains(throttle.Evidence, e => e.Text.EndsWith("× this account's hourly baseline of 2", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ordinary_user_writing_to_known_people_is_relayed_with_no_findings()
    {
        var clock = TestData.Clock();
        ScoringPipeline pipeline = Pipeline(clock);
        AccountProfile account = TestData.Account();
        Establish(pipeline, account);
        for (int n = 0; n < 10; n++)
        {
            clock.Advance(TimeSpan.FromMinutes(6));
            Verdict v = pipeline.Score(TestData.Message(account, ["friend@partner.example"], content: TestData.Mail(account.Address, "Re: plan", "Thanks, see you at the meeting on Tuesday. I will bring the printed report and the budget figures.")));
            Assert.Same(Verdict.Clean, v);
        }
    }

    [Fact]
    public void A_tenant_template_sent_by_many_established_staff_is_not_a_campaign()
    {
        var clock = TestData.Clock();
        ScoringPipeline pipeline = Pipeline(clock);
        var mail = TestData.Mail("it@tenant.example", "Network maintenance", "Dear colleagues, the network will be down on Saturday morning for planned maintenance of the core switches. Please log off before you leave on Friday.");
        for (int i = 1; i <= 12; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            Verdict v = pipeline.Score(TestData.Message(TestData.Account(i), ["all@tenant.example"], content: mail));
            Assert.DoesNotContain(v.Evidence, e => e.Detector == "campaign");
        }
    }

    [Fact]
    public void The_same_phishing_template_from_fresh_accounts_raises_all_of_them_and_a_suspension_blocks_it()
    {
        var clock = TestData.Clock();
        ScoringPipeline pipeline = Pipeline(clock);
        Verdict? last = null;
        for (int i = 1; i <= 6; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            var account = TestData.Account(i, $"t{i}.example", ageDays: 0);
            var mail = TestData.Mail(account.Address, "Mailbox storage notice", $"Dear User{i}, your mailbox storage is almost full and new messages are being held. Review your storage settings at https://storage-center.example/r/{i} within 48 hours.");
            last = pipeline.Score(TestData.Message(account, [$"v{i}@x.example"], content: mail));
        }

        // The third sign-up is throttled on the campaign, which blocks the text: the later ones are stopped by the block.
        Assert.Contains(last!.Evidence, e => e.Text.EndsWith(" was blocked when its sender was stopped (sent by throttled account 3)", StringComparison.Ordinal));
        Assert.True(last.Action == VerdictAction.Throttle, string.Join("; ", last.Evidence.Select(e => $"{e.Weight} {e.Text}")));

        // The sign-up tries again: it took its first step, and for a young account the campaign is its own evidence.
        clock.Advance(TimeSpan.FromMinutes(1));
        var sixth = TestData.Account(6, "t6.example", ageDays: 0);
        var retry = TestData.Mail(sixth.Address, "Mailbox storage notice", "Dear User6, your mailbox storage is almost full and new messages are being held. Review your storage settings at https://storage-center.example/r/6 within 48 hours.");
        Verdict suspended = pipeline.Score(TestData.Message(sixth with { State = AccountState.Throttled, ThrottledUntil = clock.GetUtcNow().AddMinutes(14) }, ["v6@x.example"], content: retry));
        Assert.True(suspended.Action == VerdictAction.Suspend, string.Join("; ", suspended.Evidence.Select(e => $"{e.Weight} {e.Text}")));
        Assert.NotEmpty(pipeline.Campaigns!.Blocked);

        // An established account of another tenant sending the blocked text later is stopped at once, but only throttled:
        // a signal shared with another account never suspends an established account on its own.
        clock.Advance(TimeSpan.FromMinutes(30));
        var veteran = TestData.Account(99, "other.example");
        var again = TestData.Mail(veteran.Address, "Mailbox storage notice", "Dear Zed, your mailbox storage is almost full and new messages are being held. Review your storage settings at https://storage-center.example/r/99 within 48 hours.");
        Verdict blocked = pipeline.Score(TestData.Message(veteran, ["z@x.example"], content: again));
        Assert.True(blocked.Action == VerdictAction.Throttle, string.Join("; ", blocked.Evidence.Select(e => $"{e.Weight} {e.Text}")));
        Assert.StartsWith("body fingerprint ", blocked.Reason, StringComparison.Ordinal);
        Assert.EndsWith(" was blocked when its sender was stopped (sent by throttled account 3)", blocked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Low_and_slow_phishing_is_stopped_message_by_message_and_the_account_suspended_after_a_few()
    {
        var clock = TestData.Clock();
        ScoringPipeline pipeline = Pipeline(clock);
        AccountProfile account = TestData.Account();
        Establish(pipeline, account);
        var actions = new List<VerdictAction>();
        for (int n = 0; n < 12 && !actions.Contains(VerdictAction.Suspend); n++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            var mail = TestData.Mail(account.Address, "Document", html: $"<p>A document was shared with you.</p><p><a href='https://docusign-review.example/d/{n}'>Review on DocuSign</a></p>");
            actions.Add(pipeline.Score(TestData.Message(account, [$"v{n}@x{n}.example"], content: mail)).Action);
        }

        Assert.DoesNotContain(VerdictAction.Relay, actions);
        Assert.DoesNotContain(VerdictAction.HighRiskRoute, actions);
        Assert.Equal(VerdictAction.Suspend, actions[^1]);
        Assert.InRange(actions.Count, 3, 8);
    }

    [Fact]
    public void A_shadow_policy_reports_its_would_be_verdict_without_changing_the_live_one()
    {
        var clock = TestData.Clock();
        var strict = new ScoringOptions { Thresholds = new PolicyThresholds { HighRiskRoute = 5, Throttle = 10, Quarantine = 20, Suspend = 30 } };
        ScoringPipeline pipeline = Pipeline(clock, shadow: strict);
        var account = TestData.Account();
        var mail = TestData.Mail(account.Address, "Hello", "Please verify your account details at the link we sent you yesterday, thanks a lot for your help.");
        ScoringResult result = pipeline.Evaluate(TestData.Message(account, content: mail));
        Assert.Equal(VerdictAction.HighRiskRoute, result.Live.Action);
        Assert.Equal(VerdictAction.Throttle, result.Shadow!.Action); // the strict candidate climbs the same ladder: a clean account is throttled first
        Assert.Equal(result.Live.Score, result.Shadow.Score);
    }

    [Fact]
    public async Task The_async_path_asks_the_DNS_blocklist_and_the_answer_becomes_evidence()
    {
        var clock = TestData.Clock();
        var resolver = new FakeResolver(new Dictionary<string, string> { ["spam-domain.example"] = "dbl.example.net" });
        ScoringPipeline pipeline = Pipeline(clock, resolver: resolver);
        var account = TestData.Account();
        var mail = TestData.Mail(account.Address, "Look", "Have a look at https://www.spam-domain.example/offer when you have time, it is interesting.");
        ScoringResult result = await pipeline.EvaluateAsync(TestData.Message(account, content: mail), CancellationToken.None);
        Assert.Contains(result.Live.Evidence, e => e.Text == "link domain spam-domain.example is listed by dbl.example.net");
        Assert.Equal(["spam-domain.example"], resolver.Asked);
    }

    [Fact]
    public void A_failing_detector_leaves_a_zero_weight_finding_and_the_others_still_run()
    {
        var clock = TestData.Clock();
        var pipeline = new ScoringPipeline([new ThrowingDetector(), new OutboundGuard.Scoring.Detectors.RateDetector()], new ScoringPolicy(new ScoringOptions()), new OutboundGuard.Scoring.Tracking.AccountActivityTracker(clock), clock);
        Verdict v = pipeline.Score(TestData.Message(TestData.Account()));
        Assert.Equal(new Evidence("broken", 0, "detector failed: InvalidOperationException"), Assert.Single(v.Evidence));
    }

    private sealed class ThrowingDetector : OutboundGuard.Scoring.Detectors.IDetector
    {
        public string Name => "broken";

        public void Inspect(OutboundGuard.Scoring.Messages.MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings) => throw new InvalidOperationException("boom");
    }

    private sealed class FakeResolver(Dictionary<string, string> listed) : IDnsBlocklistResolver
    {
        public List<string> Asked { get; } = [];

        public ValueTask<IReadOnlyDictionary<string, string>> LookupAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
        {
            Asked.AddRange(domains);
            return ValueTask.FromResult(LookupCached(domains));
        }

        public IReadOnlyDictionary<string, string> LookupCached(IReadOnlyCollection<string> domains) =>
            domains.Where(listed.ContainsKey).ToDictionary(d => d, d => listed[d]);
    }
}
