using System.Text.Json;
using OutboundGuard.Accounts;
using OutboundGuard.Relay.Tests.TestBed;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Actions;

/// <summary>
/// What each verdict does to the message, its row, its verdict, the account and the reply. The messages are real
/// spooled files scored by the real scorer; where a test needs a harsher verdict than an ordinary message earns, the
/// scored message gets one shaped as the policy shapes it (evidence, reason, cool-down).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ActionDispatcherTests(PostgresFixture postgres)
{
    private const string RateFinding = "12 messages in 10 min, 6× this account's hourly baseline of 2";

    private static ScoredMessage Decided(ScoredMessage scored, VerdictAction action, double score, TimeSpan? coolDown = null, HoldDecision? hold = null)
    {
        var verdict = new Verdict(action, score, [new Evidence("rate", score, RateFinding)], RateFinding) { CoolDown = coolDown };
        return scored with { Result = new ScoringResult(verdict, null) { BodyFingerprint = scored.Result.BodyFingerprint, Hold = hold } };
    }

    /// <summary>The texts of a stored verdict's evidence.</summary>
    private static List<string> EvidenceTexts(Storage.Verdicts.VerdictRecord verdict)
    {
        using var evidence = JsonDocument.Parse(verdict.Evidence);
        return [.. evidence.RootElement.EnumerateArray().Select(e => e.GetProperty("text").GetString()!)];
    }

    private static void AssertQueuedReply(IncomingMessage message, Smtp.Protocol.SmtpReply reply)
        => Assert.Equal((250, "2.0.0", $"Queued as {message.Id:N}"), (reply.Code, reply.Enhanced, reply.Text));

    [Fact]
    public async Task A_relay_verdict_commits_the_queued_row_and_its_verdict_before_the_250_and_wakes_delivery()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var (message, scored) = await bed.SpoolAndScoreAsync(account);
        Assert.Equal(VerdictAction.Relay, scored.Verdict.Action);

        var reply = await bed.Dispatcher.ApplyAsync(message, scored, CancellationToken.None);

        AssertQueuedReply(message, reply);
        Assert.Equal(("queued", "default"), await bed.MessageRowAsync(message.Id));
        var verdict = Assert.Single(await bed.Verdicts.LatestForAccountAsync(account.Id));
        Assert.Equal((message.Id, "Relay", "Minutes of Tuesday's meeting"), (verdict.MessageId, verdict.Action, verdict.Subject));
        Assert.True(File.Exists(message.SpoolPath));
        Assert.Equal(1, bed.Delivery.Queued);
        Assert.Equal(new[] { (VerdictAction.Relay, 250) }, bed.Metrics.Decided.ToArray());
    }

    [Theory]
    [InlineData(VerdictAction.HighRiskRoute, 20, "queued", "high-risk", 1)]
    [InlineData(VerdictAction.Quarantine, 60, "quarantined", "default", 0)]
    public async Task A_high_risk_or_quarantine_verdict_stores_the_row_in_its_state_and_route_and_the_sender_gets_the_same_250(
        VerdictAction action, double score, string state, string route, int wakeUps)
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var (message, scored) = await bed.SpoolAndScoreAsync(account);

        var reply = await bed.Dispatcher.ApplyAsync(message, Decided(scored, action, score), CancellationToken.None);

        AssertQueuedReply(message, reply);
        Assert.Equal((state, route), await bed.MessageRowAsync(message.Id));
        var verdict = Assert.Single(await bed.Verdicts.LatestForAccountAsync(account.Id));
        Assert.Equal((message.Id, action.ToString()), (verdict.MessageId, verdict.Action));
        Assert.Contains(RateFinding, EvidenceTexts(verdict));
        Assert.True(File.Exists(message.SpoolPath));
        Assert.Equal(wakeUps, bed.Delivery.Queued);
        Assert.Equal(AccountState.Active, (await bed.ReloadAsync(account)).StateValue);
    }

    [Fact]
    public async Task A_throttle_verdict_drops_the_content_stores_the_verdict_throttles_for_its_cool_down_and_replies_451()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var (message, scored) = await bed.SpoolAndScoreAsync(account);
        var until = bed.Time.GetUtcNow() + TimeSpan.FromMinutes(30);

        var reply = await bed.Dispatcher.ApplyAsync(message, Decided(scored, VerdictAction.Throttle, 40, TimeSpan.FromMinutes(30)), CancellationToken.None);

        Assert.Equal((451, "4.7.1", $"Account {account.Address} is throttled until {until.UtcDateTime:HH:mm:ss} UTC: {RateFinding}"),
            (reply.Code, reply.Enhanced, reply.Text));
        Assert.False(File.Exists(message.SpoolPath));
        Assert.Null(await bed.MessageRowAsync(message.Id));
        var verdict = Assert.Single(await bed.Verdicts.LatestForAccountAsync(account.Id));
        Assert.Equal((null, "Throttle"), (verdict.MessageId, verdict.Action));
        var throttled = await bed.ReloadAsync(account);
        Assert.Equal((AccountState.Throttled, until.ToUnixTimeSeconds()), (throttled.StateValue, throttled.ThrottledUntil!.Value.ToUnixTimeSeconds()));
        var history = Assert.Single(await bed.Accounts.HistoryAsync(account.Id));
        Assert.Equal((AccountActions.PolicyActor, RateFinding, verdict.Id), (history.Actor, history.Reason, history.VerdictId));
        Assert.Equal(0, bed.Delivery.Queued);
    }

    [Fact]
    public async Task A_throttle_verdict_without_a_cool_down_uses_the_configured_one()
    {
        await using var bed = new RelayBed(postgres, new ScoringOptions { ThrottleCoolDown = TimeSpan.FromMinutes(7) });
        var account = await bed.NewAccountAsync();
        var (message, scored) = await bed.SpoolAndScoreAsync(account);

        var reply = await bed.Dispatcher.ApplyAsync(message, Decided(scored, VerdictAction.Throttle, 40), CancellationToken.None);

        Assert.Equal(451, reply.Code);
        var expected = bed.Time.GetUtcNow() + TimeSpan.FromMinutes(7);
        Assert.Equal(expected.ToUnixTimeSeconds(), (await bed.ReloadAsync(account)).ThrottledUntil!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_suspend_verdict_drops_the_content_stores_the_verdict_suspends_quarantines_the_queue_and_replies_550()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var (earlier, earlierScored) = await bed.SpoolAndScoreAsync(account);
        await bed.Dispatcher.ApplyAsync(earlier, earlierScored, CancellationToken.None);
        var (message, scored) = await bed.SpoolAndScoreAsync(account);

        var reply = await bed.Dispatcher.ApplyAsync(message, Decided(scored, VerdictAction.Suspend, 120), CancellationToken.None);

        Assert.Equal((550, "5.7.1"), (reply.Code, reply.Enhanced));
        Assert.Contains(account.Address, reply.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(message.SpoolPath));
        Assert.Null(await bed.MessageRowAsync(message.Id));
        Assert.Equal(("quarantined", "default"), await bed.MessageRowAsync(earlier.Id));
        var verdicts = await bed.Verdicts.LatestForAccountAsync(account.Id);
        var suspend = Assert.Single(verdicts, v => v.Action == "Suspend");
        Assert.Null(suspend.MessageId);
        var suspended = await bed.ReloadAsync(account);
        Assert.Equal(AccountState.Suspended, suspended.StateValue);
        var history = Assert.Single(await bed.Accounts.HistoryAsync(account.Id));
        Assert.Equal(("active", "suspended", AccountActions.PolicyActor, suspend.Id), (history.FromState, history.ToState, history.Actor, history.VerdictId));
        Assert.Equal(new[] { (VerdictAction.Relay, 250), (VerdictAction.Suspend, 550) }, bed.Metrics.Decided.ToArray());
    }

    [Fact]
    public async Task A_milder_verdict_for_an_account_in_its_cool_down_is_throttled_anyway()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var until = bed.Time.GetUtcNow().AddMinutes(10);
        // The account was throttled after this message's MAIL FROM passed the gate.
        var (message, scored) = await bed.SpoolAndScoreAsync(account);
        await bed.Actions.ThrottleAsync(account.Id, until, "burst on another node", AccountActions.PolicyActor);
        var inCoolDown = message with { Account = await bed.ReloadAsync(account) };

        var reply = await bed.Dispatcher.ApplyAsync(inCoolDown, scored, CancellationToken.None);

        Assert.Equal((451, "4.7.1", $"Account {account.Address} is throttled until {until.UtcDateTime:HH:mm:ss} UTC: burst on another node"),
            (reply.Code, reply.Enhanced, reply.Text));
        Assert.False(File.Exists(message.SpoolPath));
        Assert.Null(await bed.MessageRowAsync(message.Id));
        Assert.Equal("Relay", Assert.Single(await bed.Verdicts.LatestForAccountAsync(account.Id)).Action);
        // The running cool-down is kept as it was: one throttle in the history, the same end.
        Assert.Single(await bed.Accounts.HistoryAsync(account.Id));
        Assert.Equal(until.ToUnixTimeSeconds(), (await bed.ReloadAsync(account)).ThrottledUntil!.Value.ToUnixTimeSeconds());
        Assert.Equal(new[] { (VerdictAction.Throttle, 451) }, bed.Metrics.Decided.ToArray());
        Assert.Equal(0, bed.Delivery.Queued);
    }

    [Fact]
    public async Task A_hold_stores_the_message_held_with_the_hold_finding_and_replies_the_same_250()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var (message, scored) = await bed.SpoolAndScoreAsync(account);
        var finding = $"held 15 min for a rescan: account 0 min old, score 25 in the upper half below the throttle threshold 40, links to domain(s) new to tenant {account.Tenant} (example.net)";
        var hold = new HoldDecision(TimeSpan.FromMinutes(15), new Evidence("hold", 0, finding));

        var reply = await bed.Dispatcher.ApplyAsync(message, Decided(scored, VerdictAction.Relay, 25, hold: hold), CancellationToken.None);

        AssertQueuedReply(message, reply);
        Assert.Equal(("held", "default"), await bed.MessageRowAsync(message.Id));
        var verdict = Assert.Single(await bed.Verdicts.LatestForAccountAsync(account.Id));
        Assert.Equal((message.Id, "Relay", finding), (verdict.MessageId, verdict.Action, verdict.Reason));
        Assert.Contains(finding, EvidenceTexts(verdict));
        Assert.Contains(RateFinding, EvidenceTexts(verdict));
        Assert.True(File.Exists(message.SpoolPath));
        Assert.Equal(0, bed.Delivery.Queued);
    }
}
