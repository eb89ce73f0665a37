using System.Collections.Concurrent;
using System.Globalization;
using OutboundGuard.Scoring.Accounts;

namespace OutboundGuard.Scoring.Policy;

/// <summary>
/// Turns evidence into a <see cref="Verdict"/>: weights each finding by its detector's multiplier, sums,
/// compares with the account's thresholds (account → tenant → global), lowers them for a while after a
/// throttle (hysteresis), never returns less than Throttle during a cool-down, and lets decisive findings
/// force their action. Keeps a small per-account memory of recent escalations; thread-safe.
/// </summary>
public sealed class ScoringPolicy
{
    private readonly ScoringOptions _options;
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastEscalation = new();
    private readonly ConcurrentDictionary<long, (DateTimeOffset Until, int Count)> _throttles = new();

    /// <summary>Escalations remembered before the next sweep: twice what the last sweep kept, so a flood of escalations costs amortised O(1) each.</summary>
    private int _sweepAt = MinSweepAt;

    private const int MinSweepAt = 10_000;

    /// <exception cref="InvalidOperationException">The options are invalid (see <see cref="ScoringOptions.Validate"/>).</exception>
    public ScoringPolicy(ScoringOptions options)
    {
        options.Validate();
        _options = options;
    }

    public ScoringOptions Options => _options;

    /// <summary>Decides on one message of <paramref name="account"/> from <paramref name="findings"/> at <paramref name="now"/>.</summary>
    public Verdict Decide(AccountProfile account, IEnumerable<Evidence> findings, DateTimeOffset now, bool remember = true)
    {
        List<Evidence> weighted = [];
        foreach (Evidence e in findings)
        {
            double m = _options.DetectorWeights.TryGetValue(e.Detector, out double w) ? w : 1.0;
            weighted.Add(m == 1.0 ? e : e with { Weight = Math.Round(e.Weight * m, 1) });
        }

        weighted.Sort((a, b) => b.Weight.CompareTo(a.Weight));
        double score = Math.Round(weighted.Sum(e => e.Weight), 1);
        (double highRisk, double throttle, double quarantine, double suspend) = ThresholdsFor(account);

        bool escalatedBefore = _lastEscalation.TryGetValue(account.Id, out DateTimeOffset last);
        bool recentlyEscalated = escalatedBefore && now - last < _options.HysteresisWindow;
        // The policy's own memory covers a throttle it decided moments ago that the caller's copy of the account does not
        // show yet (parallel sessions read the account before the throttle was stored).
        DateTimeOffset? coolingUntil = account.State == AccountState.Throttled && account.ThrottledUntil is { } until && until > now ? until
            : _throttles.TryGetValue(account.Id, out (DateTimeOffset Until, int Count) remembered) && remembered.Until > now ? remembered.Until
            : null;
        bool inCoolDown = coolingUntil is not null;
        if (recentlyEscalated || inCoolDown)
        {
            double f = _options.HysteresisFactor;
            (highRisk, throttle, quarantine, suspend) = (highRisk * f, throttle * f, quarantine * f, suspend * f);
        }

        VerdictAction action = ActionFor(score, highRisk, throttle, quarantine, suspend);
        string reason = weighted.Count > 0 ? weighted[0].Text : "no findings";

        // Decisive findings about the message itself may skip the ladder; other forced actions stop at a throttle.
        VerdictAction decisive = VerdictAction.Relay;
        if (_options.HonourDecisiveFindings)
        {
            foreach (Evidence e in weighted)
            {
                if (e.Forces is not { } forced)
                {
                    continue;
                }

                if (e.Decisive && forced > decisive)
                {
                    decisive = forced;
                }

                VerdictAction applied = e.Decisive ? forced : (VerdictAction)Math.Min((int)forced, (int)VerdictAction.Throttle);
                if (applied > action)
                {
                    action = applied;
                    reason = e.Text;
                }
            }
        }

        if (action > VerdictAction.Throttle && action > decisive)
        {
            // The decision ladder. Quarantine and suspension rest on what the account's own messages show (for a young
            // account, also on signals shared with other accounts), and only once the account has taken its first step;
            // pace, volume and parallelism alone never go past a throttle, nor do signals about other accounts for an
            // established account. The sender's MTA keeps a throttled message and retries it: nothing is lost.
            bool firstStepTaken = inCoolDown || account.State == AccountState.Throttled || (escalatedBefore && now - last < _options.StandingWindow);
            VerdictAction allowed = VerdictAction.Throttle;
            if (firstStepTaken)
            {
                bool established = account.CreatedAt != default && now - account.CreatedAt >= _options.EstablishedAge;
                double own = weighted.Where(e => e.Detector is "url" or "content" or "complaints" || (!established && e.Detector is "campaign" or "linked")).Sum(e => e.Weight);
                allowed = (VerdictAction)Math.Max((int)VerdictAction.Throttle, (int)ActionFor(own, highRisk, throttle, quarantine, suspend));
            }

            action = (VerdictAction)Math.Max((int)decisive, Math.Min((int)action, (int)allowed));
        }

        if (account.State != AccountState.Suspended && action > VerdictAction.HighRiskRoute && LearningUntil(account) is { } learningUntil && learningUntil > now
            && !weighted.Any(ActsWhileLearning))
        {
            // Learning mode (opt-in, for a new deployment or tenant): the verdict is recorded for ops to read, not enforced.
            string would = $"learning mode until {learningUntil.ToString("u", CultureInfo.InvariantCulture)}: would have been {action} ({reason})";
            return new Verdict(VerdictAction.Relay, score, weighted, would);
        }

        if (account.State == AccountState.Suspended)
        {
            action = VerdictAction.Suspend;
        }
        else if (inCoolDown && action < VerdictAction.Throttle)
        {
            action = VerdictAction.Throttle;
            reason = $"account is cooling down until {coolingUntil!.Value.ToString("u", CultureInfo.InvariantCulture)}";
        }

        TimeSpan? coolDown = null;
        if (remember && action >= VerdictAction.Throttle)
        {
            _lastEscalation[account.Id] = now;
            if (!inCoolDown && action == VerdictAction.Throttle)
            {
                // A fresh throttle (not the floor of one already running): its cool-down holds even for callers whose copy
                // of the account predates it. Retries during the cool-down do not extend it.
                // Each further throttle within the standing window doubles the cool-down (up to MaxCoolDownFactor): a bot that
                // resumes as soon as a throttle ends gets out a message or two per cool-down, ever fewer.
                int count = _throttles.TryGetValue(account.Id, out (DateTimeOffset Until, int Count) previous) && now - previous.Until < _options.StandingWindow ? previous.Count + 1 : 1;
                coolDown = _options.ThrottleCoolDown * Math.Min(1 << Math.Min(count - 1, 16), _options.MaxCoolDownFactor);
                _throttles[account.Id] = (now + coolDown.Value, count);
            }

            if (_lastEscalation.Count > Volatile.Read(ref _sweepAt))
            {
                // Bounded memory: forget escalations whose hysteresis window has passed.
                foreach ((long id, DateTimeOffset at) in _lastEscalation)
                {
                    if (now - at >= _options.StandingWindow)
                    {
                        _lastEscalation.TryRemove(id, out _);
                        _throttles.TryRemove(id, out _);
                    }
                }

                Volatile.Write(ref _sweepAt, Math.Max(MinSweepAt, 2 * _lastEscalation.Count));
            }
        }

        if (weighted.Count == 0 && action == VerdictAction.Relay)
        {
            return Verdict.Clean;
        }

        return new Verdict(action, score, weighted, reason)
        {
            CoolDown = action != VerdictAction.Throttle ? null : coolDown ?? (coolingUntil is { } end && end > now ? end - now : _options.ThrottleCoolDown),
        };
    }

    /// <summary>When learning mode ends for the account's tenant (its own entry, else the global one), or null when it is off.</summary>
    private DateTimeOffset? LearningUntil(AccountProfile account)
        => _options.Learning.Tenants.TryGetValue(account.Tenant, out DateTimeOffset tenantUntil) ? tenantUntil : _options.Learning.Until;

    /// <summary>What still acts in learning mode: a pace over twice the limit, and a link on the blocklist.</summary>
    private static bool ActsWhileLearning(Evidence e)
        => (e.Detector == "rate" && e.Forces == VerdictAction.Suspend) || (e.Detector == "url" && e.Decisive && e.Text.EndsWith(" is on the local blocklist", StringComparison.Ordinal));

    private static VerdictAction ActionFor(double score, double highRisk, double throttle, double quarantine, double suspend)
        => score >= suspend ? VerdictAction.Suspend
            : score >= quarantine ? VerdictAction.Quarantine
            : score >= throttle ? VerdictAction.Throttle
            : score >= highRisk ? VerdictAction.HighRiskRoute
            : VerdictAction.Relay;

    /// <summary>Forgets the escalation memory of an account (e.g. after ops reinstated it).</summary>
    public void Forget(long accountId)
    {
        _lastEscalation.TryRemove(accountId, out _);
        _throttles.TryRemove(accountId, out _);
    }

    internal (double HighRisk, double Throttle, double Quarantine, double Suspend) ThresholdsFor(AccountProfile account)
    {
        PolicyThresholds g = _options.Thresholds;
        _options.Tenants.TryGetValue(account.Tenant, out PolicyThresholds? t);
        PolicyThresholds? a = _options.Accounts.TryGetValue(account.Address, out PolicyThresholds? byAddress) ? byAddress
            : _options.Accounts.TryGetValue(account.Id.ToString(CultureInfo.InvariantCulture), out PolicyThresholds? byId) ? byId : null;
        return (
            a?.HighRiskRoute ?? t?.HighRiskRoute ?? g.HighRiskRoute!.Value,
            a?.Throttle ?? t?.Throttle ?? g.Throttle!.Value,
            a?.Quarantine ?? t?.Quarantine ?? g.Quarantine!.Value,
            a?.Suspend ?? t?.Suspend ?? g.Suspend!.Value);
    }
}
