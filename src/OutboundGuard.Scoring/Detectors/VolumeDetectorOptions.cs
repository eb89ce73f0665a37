namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Limits and weights of the <see cref="VolumeDetector"/> (hourly and daily volume), section
/// <c>OutboundGuard:Scoring:Volume</c>. The account's own limits come from the account (or
/// <c>OutboundGuard:Scoring:DefaultLimits</c>); these are the floors under the trust ramp and the baseline rule.
/// docs/detection.md lists every key with its default.
/// </summary>
public sealed class VolumeDetectorOptions
{
    /// <summary>Lowest hourly message limit the trust ramp gives a new account. Default 20 messages.</summary>
    public int MessagesPerHourFloor { get; set; } = 20;

    /// <summary>Lowest hourly recipient limit the trust ramp gives a new account. Default 60 recipients.</summary>
    public int RecipientsPerHourFloor { get; set; } = 60;

    /// <summary>Lowest daily recipient limit the trust ramp gives a new account. Default 200 recipients.</summary>
    public int RecipientsPerDayFloor { get; set; } = 200;

    /// <summary>Messages in 1 h from which the hour is compared with the account's hour-of-week baseline. Default 12.</summary>
    public int BaselineMinMessages { get; set; } = 12;

    /// <summary>The hour's count over the baseline (or a quarter of the peak hour, if larger) that is a finding. Default 5 (×).</summary>
    public double BaselineRatio { get; set; } = 5;

    /// <summary>Weight per unit of that ratio. Default 2.</summary>
    public double BaselineWeightPerRatio { get; set; } = 2;

    /// <summary>Largest weight of an hour over the baseline. Default 30.</summary>
    public double BaselineMaxWeight { get; set; } = 30;
}
