using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests.Policy;

public class ScoringPolicyTests
{
    private static Evidence E(double w, string detector = "rate", VerdictAction? forces = null, bool decisive = false) => new(detector, w, $"finding {w}") { Forces = forces, Decisive = decisive };

    [Theory]
    [InlineData(10, VerdictAction.Relay)]
    [InlineData(25, VerdictAction.HighRiskRoute)]
    [InlineData(40, VerdictAction.Throttle)]
    [InlineData(70, VerdictAction.Quarantine)]
    [InlineData(100, VerdictAction.Suspend)]
    public void The_score_maps_to_the_action_of_the_highest_threshold_reached(double score, VerdictAction expected)
    {
        // Findings about the message itself, on an account that already took its first step (throttled earlier today).
        var policy = new ScoringPolicy(new ScoringOptions());
        policy.Decide(TestData.Account(), [E(40)], TestData.Start.AddHours(-2));
        Verdict v = policy.Decide(TestData.Account(), [E(score, "content")], TestData.Start);
        Assert.Equal(expected, v.Action);
        Assert.Equal(score, v.Score);
    }

    [Fact]
    public void Evidence_is_sorted_strongest_first_and_the_reason_is_the_strongest()
    {
        Verdict v = new ScoringPolicy(new ScoringOptions()).Decide(TestData.Account(), [E(5), E(30), E(12)], TestData.Start);
        Assert.Equal([30.0, 12.0, 5.0], v.Evidence.Select(e => e.Weight));
        Assert.Equal("finding 30", v.Reason);
        Assert.Equal(47, v.Score);
        Assert.Equal(VerdictAction.Throttle, v.Action);
    }

    [Fact]
    public void A_decisive_finding_forces_its_action_whatever_the_score()
    {
        Verdict v = new ScoringPolicy(new ScoringOptions()).Decide(TestData.Account(), [E(10, "campaign", forces: VerdictAction.Suspend, decisive: true)], TestData.Start);
        Assert.Equal(VerdictAction.Suspend, v.Action);
    }

    [Fact]
    public void Each_further_throttle_within_a_day_doubles_the_cool_down_and_it_holds_for_stale_copies_of_the_account()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        Verdict first = policy.Decide(TestData.Account(), [E(50)], TestData.Start);
        Verdict duringFirst = policy.Decide(TestData.Account(), [], TestData.Start.AddMinutes(5));
        Verdict second = policy.Decide(TestData.Account(), [E(50)], TestData.Start.AddMinutes(16));
        Verdict third = policy.Decide(TestData.Account(), [E(50)], TestData.Start.AddMinutes(47));

        Assert.Equal(TimeSpan.FromMinutes(15), first.CoolDown);
        Assert.Equal((VerdictAction.Throttle, TimeSpan.FromMinutes(10)), (duringFirst.Action, duringFirst.CoolDown));
        Assert.Equal(TimeSpan.FromMinutes(30), second.CoolDown);
        Assert.Equal(TimeSpan.FromMinutes(60), third.CoolDown);
    }

    [Fact]
    public void Learning_mode_is_off_by_default_and_when_on_records_without_enforcing_except_twice_the_pace_and_blocklisted_links()
    {
        Evidence shape = E(50, "volume");
        Assert.Equal(VerdictAction.Throttle, new ScoringPolicy(new ScoringOptions()).Decide(TestData.Account(), [shape], TestData.Start).Action);

        var options = new ScoringOptions { Learning = { Tenants = { ["tenant.example"] = TestData.Start.AddDays(7) } } };
        var policy = new ScoringPolicy(options);
        Verdict learned = policy.Decide(TestData.Account(), [shape], TestData.Start);
        Verdict pace = policy.Decide(TestData.Account(id: 2), [E(100, "rate", forces: VerdictAction.Suspend)], TestData.Start);
        Verdict blocked = policy.Decide(TestData.Account(id: 3), [new Evidence("url", 80, "link to bad.example is on the local blocklist") { Forces = VerdictAction.Quarantine, Decisive = true }], TestData.Start);
        Verdict otherTenant = policy.Decide(TestData.Account(id: 4, tenant: "other.example"), [shape], TestData.Start);

        Assert.Equal(VerdictAction.Relay, learned.Action);
        Assert.StartsWith("learning mode until 2026-11-09", learned.Reason, StringComparison.Ordinal);
        Assert.Contains("would have been Throttle", learned.Reason, StringComparison.Ordinal);
        Assert.Equal(VerdictAction.Throttle, pace.Action);
        Assert.Equal(VerdictAction.Quarantine, blocked.Action);
        Assert.Equal(VerdictAction.Throttle, otherTenant.Action);
    }

    [Fact]
    public void An_account_with_a_clean_history_is_throttled_before_anything_harsher()
    {
        var policy = new ScoringPolicy(new ScoringOptions());

        Verdict first = policy.Decide(TestData.Account(), [E(130, "rate", forces: VerdictAction.Suspend), E(30, "content")], TestData.Start);

        Assert.Equal(VerdictAction.Throttle, first.Action);
        Assert.Equal(160, first.Score);
    }

    [Fact]
    public void Pace_and_volume_alone_never_go_past_a_throttle_even_while_the_account_keeps_pushing()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        for (int i = 0; i < 30; i++)
        {
            Verdict v = policy.Decide(TestData.Account(), [E(100, "rate", forces: VerdictAction.Suspend), E(60, "volume"), E(30, "concurrency")], TestData.Start.AddSeconds(i * 10));
            Assert.Equal(VerdictAction.Throttle, v.Action);
        }
    }

    [Fact]
    public void After_its_first_step_an_account_is_suspended_on_what_its_own_messages_show()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        policy.Decide(TestData.Account(), [E(50, "content")], TestData.Start);

        Verdict second = policy.Decide(TestData.Account(), [E(60, "content"), E(45, "url")], TestData.Start.AddMinutes(5));

        Assert.Equal(VerdictAction.Suspend, second.Action);
    }

    [Fact]
    public void Signals_shared_with_other_accounts_never_quarantine_or_suspend_an_established_account_alone()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        AccountProfile established = TestData.Account(ageDays: 730);
        policy.Decide(established, [E(60, "campaign")], TestData.Start);

        Verdict again = policy.Decide(established, [E(60, "campaign"), E(40, "linked"), E(10, "content")], TestData.Start.AddMinutes(20));

        Assert.Equal(VerdictAction.Throttle, again.Action);
    }

    [Fact]
    public void Signals_shared_with_other_accounts_may_suspend_a_young_account_after_its_first_step()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        AccountProfile young = TestData.Account(ageDays: 0);
        Verdict first = policy.Decide(young, [E(95, "campaign")], TestData.Start);

        Verdict again = policy.Decide(young, [E(95, "campaign"), E(15, "content")], TestData.Start.AddMinutes(1));

        Assert.Equal((VerdictAction.Throttle, VerdictAction.Suspend), (first.Action, again.Action));
    }

    [Fact]
    public void A_decisive_finding_about_the_message_quarantines_even_a_clean_account()
    {
        var policy = new ScoringPolicy(new ScoringOptions());

        Verdict v = policy.Decide(TestData.Account(), [E(50, "url", forces: VerdictAction.Quarantine, decisive: true)], TestData.Start);

        Assert.Equal(VerdictAction.Quarantine, v.Action);
    }

    [Fact]
    public void Detector_weights_scale_their_findings()
    {
        var options = new ScoringOptions { DetectorWeights = { ["content"] = 0.5 } };
        Verdict v = new ScoringPolicy(options).Decide(TestData.Account(), [E(60, "content")], TestData.Start);
        Assert.Equal(30, v.Score);
        Assert.Equal(30, v.Evidence[0].Weight);
    }

    [Fact]
    public void Tenant_and_account_overrides_change_the_thresholds()
    {
        var options = new ScoringOptions();
        options.Tenants["strict.example"] = new PolicyThresholds { Throttle = 20 };
        options.Accounts["user7@tenant.example"] = new PolicyThresholds { Suspend = 1000, Quarantine = 900 };
        var policy = new ScoringPolicy(options);
        Assert.Equal(VerdictAction.Throttle, policy.Decide(TestData.Account(1, "strict.example"), [E(22)], TestData.Start).Action);
        Assert.Equal(VerdictAction.Throttle, policy.Decide(TestData.Account(7), [E(150)], TestData.Start).Action);
    }

    [Fact]
    public void After_a_throttle_the_thresholds_are_lowered_for_a_while_against_flapping()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        var account = TestData.Account();
        Assert.Equal(VerdictAction.Throttle, policy.Decide(account, [E(45)], TestData.Start).Action);
        Assert.Equal(VerdictAction.Throttle, policy.Decide(account, [E(33)], TestData.Start.AddMinutes(20)).Action);
        Assert.Equal(VerdictAction.HighRiskRoute, policy.Decide(account, [E(33)], TestData.Start.AddMinutes(81)).Action);
    }

    [Fact]
    public void During_a_cool_down_the_verdict_is_at_least_a_throttle()
    {
        var account = TestData.Account() with { State = AccountState.Throttled, ThrottledUntil = TestData.Start.AddMinutes(5) };
        Verdict v = new ScoringPolicy(new ScoringOptions()).Decide(account, [], TestData.Start);
        Assert.Equal(VerdictAction.Throttle, v.Action);
        Assert.Equal("account is cooling down until 2026-11-02 09:05:00Z", v.Reason);
        Assert.Equal(TimeSpan.FromMinutes(5), v.CoolDown); // what is left of the running cool-down: attempts during it never extend it
    }

    [Fact]
    public void Invalid_thresholds_are_refused_naming_the_key()
    {
        var options = new ScoringOptions { Thresholds = new PolicyThresholds { HighRiskRoute = 50, Throttle = 40, Quarantine = 70, Suspend = 100 } };
        var ex = Assert.Throws<InvalidOperationException>(() => new ScoringPolicy(options));
        Assert.Contains("OutboundGuard:Scoring:Thresholds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_findings_give_the_clean_verdict()
    {
        Assert.Same(Verdict.Clean, new ScoringPolicy(new ScoringOptions()).Decide(TestData.Account(), [], TestData.Start));
    }
}
