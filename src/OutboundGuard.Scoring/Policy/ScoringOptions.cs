using OutboundGuard.Scoring.Detectors;

namespace OutboundGuard.Scoring.Policy;

/// <summary>
/// Configuration of the scoring policy, section <c>OutboundGuard:Scoring</c>. Every key and its default
/// is described in docs/detection.md.
/// </summary>
public sealed class ScoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OutboundGuard:Scoring";

    /// <summary>Global thresholds. Defaults: high-risk route 25, throttle 40, quarantine 70, suspend 100.</summary>
    public PolicyThresholds Thresholds { get; set; } = new() { HighRiskRoute = 25, Throttle = 40, Quarantine = 70, Suspend = 100 };

    /// <summary>Multiplier per detector name applied to each of its findings' weights, e.g. "content": 0.5. Default 1 for every detector.</summary>
    public Dictionary<string, double> DetectorWeights { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Threshold overrides per tenant domain (e.g. "campus.example").</summary>
    public Dictionary<string, PolicyThresholds> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Threshold overrides per account, keyed by the account's address or its numeric id.</summary>
    public Dictionary<string, PolicyThresholds> Accounts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long a throttled account is deferred before it is released automatically. Default 15 min. Each further throttle
    /// within <see cref="StandingWindow"/> doubles it, up to <see cref="MaxCoolDownFactor"/> times.
    /// </summary>
    public TimeSpan ThrottleCoolDown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest cool-down as a multiple of <see cref="ThrottleCoolDown"/>. Default 8 (2 h).</summary>
    public int MaxCoolDownFactor { get; set; } = 8;

    /// <summary>
    /// Against flapping: after an account was throttled or worse, its thresholds are multiplied by this
    /// factor for <see cref="HysteresisWindow"/>, so it does not toggle between relay and throttle at the
    /// edge. Default 0.8.
    /// </summary>
    public double HysteresisFactor { get; set; } = 0.8;

    /// <summary>How long the lowered thresholds apply after a throttle or worse. Default 1 h.</summary>
    public TimeSpan HysteresisWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The decision ladder's memory: an account that was throttled or worse within this window (or is throttled now) has
    /// taken its first step and may be quarantined or suspended on the evidence about its messages; an account with a
    /// clean record this long is throttled first (451: its MTA keeps the mail and retries), unless a decisive finding
    /// about the message itself says otherwise. Default 1 day.
    /// </summary>
    public TimeSpan StandingWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// From this age an account is established: signals about other accounts (a shared fingerprint, link domains,
    /// client addresses, sign-up times) tighten its scoring but never quarantine or suspend it. Default 7 days.
    /// </summary>
    public TimeSpan EstablishedAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Opt-in learning mode for a new deployment or tenant; off by default (a fresh instance enforces fully). While it
    /// runs, verdicts are recorded with their evidence and reason ("would have been Throttle …") but not enforced, except
    /// a pace over twice the limit and a link on the local blocklist.
    /// </summary>
    public LearningModeOptions Learning { get; set; } = new();

    /// <summary>Whether decisive findings (<see cref="Evidence.Forces"/>) may force their action. Default true.</summary>
    public bool HonourDecisiveFindings { get; set; } = true;

    /// <summary>
    /// How long an account reinstated by ops stays on probation (tighter scoring: "on probation after reinstatement
    /// until …", weight 15). The host applies it when it learns of a reinstatement. Default 7 days.
    /// </summary>
    public TimeSpan ProbationAfterReinstate { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Floors, thresholds and weights of the rate detector, section <c>OutboundGuard:Scoring:Rate</c>. The detectors are
    /// the live policy's: a shadow policy's section is ignored.
    /// </summary>
    public RateDetectorOptions Rate { get; set; } = new();

    /// <summary>Floors, thresholds and weights of the volume detector, section <c>OutboundGuard:Scoring:Volume</c>.</summary>
    public VolumeDetectorOptions Volume { get; set; } = new();

    /// <summary>Thresholds and weights of the concurrency detector, section <c>OutboundGuard:Scoring:Concurrency</c>.</summary>
    public ConcurrencyDetectorOptions Concurrency { get; set; } = new();

    /// <summary>Weights of the URL reputation detector, section <c>OutboundGuard:Scoring:UrlReputation</c> (its lists: <c>Urls</c>).</summary>
    public UrlReputationDetectorOptions UrlReputation { get; set; } = new();

    /// <summary>Thresholds and weights of the content detector, section <c>OutboundGuard:Scoring:Content</c>.</summary>
    public ContentDetectorOptions Content { get; set; } = new();

    /// <summary>Thresholds and weights of the campaign detector, section <c>OutboundGuard:Scoring:Campaign</c>.</summary>
    public CampaignDetectorOptions Campaign { get; set; } = new();

    /// <summary>Weights of the linked-accounts detector, section <c>OutboundGuard:Scoring:LinkedAccounts</c>.</summary>
    public LinkedAccountsDetectorOptions LinkedAccounts { get; set; } = new();

    /// <summary>Thresholds and weights of the downstream feedback detector, section <c>OutboundGuard:Scoring:Downstream</c>.</summary>
    public DownstreamFeedbackDetectorOptions Downstream { get; set; } = new();

    /// <summary>Rates and weights of the complaint detector, section <c>OutboundGuard:Scoring:Complaints</c>.</summary>
    public ComplaintDetectorOptions Complaints { get; set; } = new();

    /// <summary>Weight of the login detector, section <c>OutboundGuard:Scoring:Logins</c>.</summary>
    public LoginDetectorOptions Logins { get; set; } = new();

    /// <summary>Each detector's options with its key under this section (<c>Rate</c>, <c>Volume</c>, …), in the detectors' order.</summary>
    public IReadOnlyList<(string Key, object Options)> DetectorOptions() =>
    [
        ("Rate", Rate), ("Volume", Volume), ("Concurrency", Concurrency), ("UrlReputation", UrlReputation), ("Content", Content),
        ("Campaign", Campaign), ("LinkedAccounts", LinkedAccounts), ("Downstream", Downstream), ("Complaints", Complaints), ("Logins", Logins),
    ];

    /// <summary>Hold and rescan of young accounts' borderline messages (on by default, 15 min); see <see cref="HoldOptions"/>.</summary>
    public HoldOptions Hold { get; set; } = new();

    /// <summary>Checks the options; the error names the key.</summary>
    /// <exception cref="InvalidOperationException">A threshold is missing, negative or out of order, or a duration is not positive.</exception>
    public void Validate()
    {
        PolicyThresholds t = Thresholds;
        if (t.HighRiskRoute is null || t.Throttle is null || t.Quarantine is null || t.Suspend is null)
        {
            throw new InvalidOperationException($"{SectionName}:Thresholds must set HighRiskRoute, Throttle, Quarantine and Suspend.");
        }

        if (!(t.HighRiskRoute <= t.Throttle && t.Throttle <= t.Quarantine && t.Quarantine <= t.Suspend && t.HighRiskRoute > 0))
        {
            throw new InvalidOperationException($"{SectionName}:Thresholds must be positive and ordered HighRiskRoute ≤ Throttle ≤ Quarantine ≤ Suspend.");
        }

        if (ThrottleCoolDown <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:ThrottleCoolDown must be positive.");
        }

        if (MaxCoolDownFactor < 1)
        {
            throw new InvalidOperationException($"{SectionName}:MaxCoolDownFactor must be 1 or more.");
        }

        if (ProbationAfterReinstate < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:ProbationAfterReinstate must not be negative.");
        }

        if (StandingWindow < HysteresisWindow)
        {
            throw new InvalidOperationException($"{SectionName}:StandingWindow must be at least HysteresisWindow.");
        }

        if (EstablishedAge < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:EstablishedAge must not be negative.");
        }

        if (Hold.Duration <= TimeSpan.Zero || Hold.PollInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:Hold:Duration and {SectionName}:Hold:PollInterval must be positive.");
        }

        if (HysteresisFactor is <= 0 or > 1)
        {
            throw new InvalidOperationException($"{SectionName}:HysteresisFactor must be in (0, 1].");
        }

        foreach ((string name, double w) in DetectorWeights)
        {
            if (w < 0)
            {
                throw new InvalidOperationException($"{SectionName}:DetectorWeights:{name} must not be negative.");
            }
        }

        foreach ((string key, object options) in DetectorOptions())
        {
            DetectorOptionsCheck.Validate(options, $"{SectionName}:{key}");
        }
    }
}
