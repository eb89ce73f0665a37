using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Scoring;

/// <summary>
/// The per-message entry of the scoring box: records the attempt in the account's hot counters, gathers
/// what the detectors need, runs every detector, and lets the policy (and a shadow policy, if any) turn
/// the evidence into a verdict. Thread-safe; one instance per node.
/// </summary>
public sealed partial class ScoringPipeline
{
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly ScoringPolicy _policy;
    private readonly ScoringPolicy? _shadow;
    private readonly AccountActivityTracker _tracker;
    private readonly TimeProvider _time;

    /// <param name="detectors">The detectors to run, in order.</param>
    /// <param name="policy">The live policy.</param>
    /// <param name="tracker">The node's account counters (seed them after a restart).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="shadowPolicy">A candidate policy evaluated beside the live one and never enforced; null for none.</param>
    public ScoringPipeline(IEnumerable<IDetector> detectors, ScoringPolicy policy, AccountActivityTracker tracker, TimeProvider timeProvider, ScoringPolicy? shadowPolicy = null)
    {
        _detectors = [.. detectors];
        _policy = policy;
        _tracker = tracker;
        _time = timeProvider;
        _shadow = shadowPolicy;
    }

    public AccountActivityTracker Tracker => _tracker;

    /// <summary>Scores one message and returns the verdict to enforce.</summary>
    public Verdict Score(MessageUnderReview message) => Evaluate(message).Live;

    /// <summary>Scores one message and returns the live verdict and, with a shadow policy, its would-be verdict.</summary>
    public ScoringResult Evaluate(MessageUnderReview message)
    {
        AccountHistory history = _tracker.RecordAttempt(message);
        return Decide(message, history);
    }

    private ScoringResult Decide(MessageUnderReview message, AccountHistory history)
    {
        List<Evidence.Evidence> findings = [];
        foreach (IDetector detector in _detectors)
        {
            try
            {
                detector.Inspect(message, history, findings);
            }
            catch (Exception ex)
            {
                // A broken detector must not stop mail or hide other findings; ops see the failure in the evidence.
                findings.Add(new Evidence.Evidence(detector.Name, 0, $"detector failed: {ex.GetType().Name}"));
            }
        }

        DateTimeOffset now = history.Now;
        Verdict live = _policy.Decide(message.Account, findings, now);
        Verdict? shadow = _shadow?.Decide(message.Account, findings, now);
        if (live.Action is VerdictAction.Relay or VerdictAction.HighRiskRoute)
        {
            _tracker.RecordRelayed(message.Account.Id);
        }
        else if (live.Action == VerdictAction.Suspend && message.Account.State != AccountState.Suspended)
        {
            _tracker.MarkSuspended(message.Account.Id);
        }

        return new ScoringResult(live, shadow);
    }
}
