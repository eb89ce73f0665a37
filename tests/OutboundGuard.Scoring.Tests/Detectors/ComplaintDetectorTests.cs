using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Scoring.Tests.Detectors;

public class ComplaintDetectorTests
{
    private static List<Evidence> Inspect(ComplaintLedger ledger, AccountProfile account)
    {
        var findings = new List<Evidence>();
        new ComplaintDetector(ledger).Inspect(TestData.Message(account), new AccountHistory { Now = TestData.Start }, findings);
        return findings;
    }

    private static ComplaintLedger Ledger(long accountId, string tenant, ComplaintStanding account, ComplaintStanding tenantStanding)
    {
        var ledger = new ComplaintLedger();
        ledger.Load([(accountId, tenant, account, tenantStanding)]);
        return ledger;
    }

    [Fact]
    public void Complaints_over_the_ceiling_throttle_with_a_weight_rising_to_50_at_one_percent()
    {
        var account = TestData.Account(id: 7);
        var atCeiling = Inspect(Ledger(7, account.Tenant, new(3, 1000), new(3, 50_000)), account);
        Assert.Equal([("3 complaint(s) from feedback loops in 7 days over 1,000 messages (0.3 %, ceiling 0.3 %)", 40.0, (VerdictAction?)VerdictAction.Throttle)],
            atCeiling.Select(f => (f.Text, f.Weight, f.Forces)));
        var high = Inspect(Ledger(7, account.Tenant, new(12, 400), new(12, 50_000)), account);
        Assert.Equal(("12 complaint(s) from feedback loops in 7 days over 400 messages (3.0 %, ceiling 0.3 %)", 50.0), (high[0].Text, high[0].Weight));
    }

    [Fact]
    public void Below_the_ceiling_or_a_single_complaint_only_tightens()
    {
        var account = TestData.Account(id: 7);
        var recommended = Inspect(Ledger(7, account.Tenant, new(2, 1000), new(2, 50_000)), account);
        Assert.Equal([("2 complaint(s) from feedback loops in 7 days over 1,000 messages (0.2 %, above the 0.1 % providers ask for)", 15.0, (VerdictAction?)null)],
            recommended.Select(f => (f.Text, f.Weight, f.Forces)));
        var single = Inspect(Ledger(7, account.Tenant, new(1, 20), new(1, 50_000)), account);
        Assert.Equal(("1 complaint(s) from feedback loops in 7 days over 20 messages (5.0 %, ceiling 0.3 %; one complaint does not throttle)", 15.0), (single[0].Text, single[0].Weight));
        Assert.Null(single[0].Forces);
        Assert.Empty(Inspect(Ledger(7, account.Tenant, new(1, 5000), new(1, 50_000)), account));
        Assert.Empty(Inspect(Ledger(8, account.Tenant, new(9, 10), new(9, 50_000)), account));
    }

    [Fact]
    public void A_tenant_over_the_ceiling_tightens_its_other_accounts()
    {
        var colleague = TestData.Account(id: 9);
        var findings = Inspect(Ledger(7, colleague.Tenant, new(8, 500), new(8, 1200)), colleague);
        Assert.Equal([("tenant tenant.example: 8 complaints from feedback loops in 7 days over 1,200 messages (0.67 %, ceiling 0.3 %)", 10.0)], findings.Select(f => (f.Text, f.Weight)));
    }

    [Fact]
    public void Complaints_alone_throttle_and_a_high_rate_with_phishing_phrasing_quarantines_after_the_first_step()
    {
        var policy = new ScoringPolicy(new ScoringOptions());
        var account = TestData.Account(id: 7);
        var complaints = Inspect(Ledger(7, account.Tenant, new(12, 400), new(12, 50_000)), account);
        Assert.Equal(VerdictAction.Throttle, policy.Decide(account, complaints, TestData.Start).Action);

        // Throttled, the account pushes on: complaints alone stay a throttle (50 is under the quarantine threshold
        // even with hysteresis, 56), but with findings about the content of its mail they quarantine.
        var throttled = account with { State = AccountState.Throttled, ThrottledUntil = TestData.Start.AddMinutes(15) };
        Assert.Equal(VerdictAction.Throttle, policy.Decide(throttled, complaints, TestData.Start.AddMinutes(1)).Action);
        var phishing = new Evidence("content", 15, "phishing phrasing: \"verify your account\"");
        Assert.Equal(VerdictAction.Quarantine, policy.Decide(throttled, [.. complaints, phishing], TestData.Start.AddMinutes(2)).Action);
    }
}
