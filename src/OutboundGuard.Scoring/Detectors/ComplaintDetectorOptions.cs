namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Rates and weights of the <see cref="ComplaintDetector"/> (feedback-loop complaints about the account's and its tenant's
/// mail), section <c>OutboundGuard:Scoring:Complaints</c>. docs/configuration.md lists every key with its default.
/// </summary>
public sealed class ComplaintDetectorOptions
{
    /// <summary>The complaint rate the large mailbox providers treat as a hard ceiling; at it, complaints throttle. Default 0.003 (0.3 %).</summary>
    public double Ceiling { get; set; } = 0.003;

    /// <summary>The rate providers ask senders to stay under; above it complaints add weight. Default 0.001 (0.1 %).</summary>
    public double Recommended { get; set; } = 0.001;

    /// <summary>Complaints needed before the rate may throttle: one complaint may be a recipient's slip. Default 2.</summary>
    public int MinimumToThrottle { get; set; } = 2;

    /// <summary>A tenant's complaints needed before its rate tightens its accounts' scoring. Default 5.</summary>
    public int MinimumForTenant { get; set; } = 5;

    /// <summary>Weight at the ceiling (alone a throttle). Default 40.</summary>
    public double CeilingWeight { get; set; } = 40;

    /// <summary>Weight from <see cref="HighRate"/> on, growing linearly from the ceiling's. Default 50.</summary>
    public double HighRateWeight { get; set; } = 50;

    /// <summary>The rate at which the weight reaches <see cref="HighRateWeight"/>. Default 0.01 (1 %).</summary>
    public double HighRate { get; set; } = 0.01;

    /// <summary>Weight of a rate above the recommended one that does not throttle. Default 15.</summary>
    public double RecommendedWeight { get; set; } = 15;

    /// <summary>Weight of the account's tenant at or over the ceiling. Default 10.</summary>
    public double TenantWeight { get; set; } = 10;
}
