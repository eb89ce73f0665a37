namespace OutboundGuard.Scoring.Policy;

/// <summary>
/// Score thresholds at which an action applies (0–100 scale; evidence weights add up). A null member
/// falls back to the next level: account override → tenant override → global.
/// </summary>
public sealed class PolicyThresholds
{
    /// <summary>Score from which the message goes over the high-risk route. Global default 25.</summary>
    public double? HighRiskRoute { get; set; }

    /// <summary>Score from which the account is throttled (451 4.7.1 for the cool-down). Global default 40.</summary>
    public double? Throttle { get; set; }

    /// <summary>Score from which the message is held for review. Global default 70.</summary>
    public double? Quarantine { get; set; }

    /// <summary>Score from which the account is suspended. Global default 100.</summary>
    public double? Suspend { get; set; }
}
