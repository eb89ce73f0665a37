namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Thresholds and weights of the <see cref="DownstreamFeedbackDetector"/> (the smarthost's replies about the account's
/// recent mail: unknown recipients, blocked as spam), section <c>OutboundGuard:Scoring:Downstream</c>. Counts and shares
/// that throttle grow with limits ops raised. docs/configuration.md lists every key with its default.
/// </summary>
public sealed class DownstreamFeedbackDetectorOptions
{
    /// <summary>Unknown recipients in the sliding hour from which the account is throttled (with <see cref="ThrottleShare"/>). Default 20.</summary>
    public int ThrottleUnknown { get; set; } = 20;

    /// <summary>Share of the hour's recipients refused as unknown from which the account is throttled (with <see cref="ThrottleUnknown"/>). Default 0.05.</summary>
    public double ThrottleShare { get; set; } = 0.05;

    /// <summary>The largest share that throttling asks for, however far ops raised the account's limits. Default 0.2.</summary>
    public double ThrottleShareMax { get; set; } = 0.2;

    /// <summary>Unknown recipients in 1 h that add weight without throttling (with <see cref="WeighShare"/>). Default 5.</summary>
    public int WeighUnknown { get; set; } = 5;

    /// <summary>Share of unknown recipients in 1 h that adds weight without throttling (with <see cref="WeighUnknown"/>). Default 0.2.</summary>
    public double WeighShare { get; set; } = 0.2;

    /// <summary>Weight of unknown recipients at the share that makes them a finding. Default 20.</summary>
    public double UnknownWeight { get; set; } = 20;

    /// <summary>Weight added per unit of share above it (1 = all recipients). Default 100.</summary>
    public double UnknownWeightPerShare { get; set; } = 100;

    /// <summary>Largest weight of unknown recipients. Default 60.</summary>
    public double UnknownMaxWeight { get; set; } = 60;

    /// <summary>Smarthost replies in 1 h blocked as spam that are a finding (routes high-risk). Default 3.</summary>
    public int BlockedMin { get; set; } = 3;

    /// <summary>Weight per blocked reply. Default 15.</summary>
    public double BlockedWeightPerReply { get; set; } = 15;

    /// <summary>Largest weight of blocked replies. Default 70.</summary>
    public double BlockedMaxWeight { get; set; } = 70;
}
