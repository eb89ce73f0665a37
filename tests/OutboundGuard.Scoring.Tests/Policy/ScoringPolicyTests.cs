using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests.Policy;

public class ScoringPolicyTests
{
    private static Evidence.Evidence E(double w, string detector = "rate", VerdictAction? forces = null) => new(detector, w, $"finding {w}") { Forces = forces };

    [Theory]
    [InlineData(10, VerdictAction.Relay)]
    [InlineData(25, VerdictAction.HighRiskRoute)]
    [InlineData(40, VerdictAction.Throttle)]
    [InlineData(70, VerdictAction.Quarantine)]
    [InlineData(100, VerdictAction.Suspend)]
    public void The_score_maps_to_the_action_of_the_highest_threshold_reached(double score, VerdictAction expected)
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        Verdict v = policy.Decide(TestData.Account(), [E(score)], TestData.Start);
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
        Verdict v = new ScoringPolicy(new ScoringOptions()).Decide(TestData.Account(), [E(10, forces: VerdictAction.Suspend)], TestData.Start);
        Assert.Equal(VerdictAction.Suspend, v.Action);
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
        Assert.Equal(TimeSpan.FromMinutes(15), v.CoolDown);
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
