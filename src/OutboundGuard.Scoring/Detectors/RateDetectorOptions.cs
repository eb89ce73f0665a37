namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Limits and weights of the <see cref="RateDetector"/> (short-window pace and burst shape), section
/// <c>OutboundGuard:Scoring:Rate</c>. The account's own limits come from the account (or
/// <c>OutboundGuard:Scoring:DefaultLimits</c>); these are the floors under the trust ramp and the shape rules.
/// docs/detection.md lists every key with its default.
/// </summary>
public sealed class RateDetectorOptions
{
    /// <summary>Lowest per-minute message limit the trust ramp gives a new account. Default 5 messages.</summary>
    public int MessagesPerMinuteFloor { get; set; } = 5;

    /// <summary>Lowest per-minute recipient limit the trust ramp gives a new account. Default 20 recipients.</summary>
    public int RecipientsPerMinuteFloor { get; set; } = 20;

    /// <summary>
    /// Lowest hourly message limit the trust ramp gives a new account when deriving the 10-minute limit (half the
    /// hourly limit, at most ten times the per-minute one). Default 20 messages.
    /// </summary>
    public int MessagesPerHourFloor { get; set; } = 20;

    /// <summary>A per-minute count over this multiple of its limit forces a suspension instead of a throttle. Default 2.</summary>
    public double SuspendFactor { get; set; } = 2;

    /// <summary>Messages in 10 min from which the pace is compared with the account's hourly baseline. Default 6.</summary>
    public int BaselineMinMessages { get; set; } = 6;

    /// <summary>The 10-minute count over the hourly baseline (or a tenth of the peak hour, if larger) that is a finding. Default 4 (×).</summary>
    public double BaselineRatio { get; set; } = 4;

    /// <summary>Weight per message in 10 min (after the first 2) of a pace over the baseline. Default 2.5.</summary>
    public double BaselineWeightPerMessage { get; set; } = 2.5;

    /// <summary>Largest weight of a pace over the baseline. Default 60.</summary>
    public double BaselineMaxWeight { get; set; } = 60;

    /// <summary>
    /// Messages in 10 min from which first-time recipients and recipient domains are burst findings. Default 4.
    /// </summary>
    public int ShapeMinMessages { get; set; } = 4;

    /// <summary>First-time recipients in 10 min that are a finding (weight 1 each). Default 10.</summary>
    public int FirstTimeRecipientsMin { get; set; } = 10;

    /// <summary>Largest weight of first-time recipients. Default 40.</summary>
    public double FirstTimeRecipientsMaxWeight { get; set; } = 40;

    /// <summary>Distinct recipient domains in 10 min that are a finding. Default 10.</summary>
    public int RecipientDomainsMin { get; set; } = 10;

    /// <summary>Weight per distinct recipient domain in 10 min. Default 0.75.</summary>
    public double RecipientDomainWeight { get; set; } = 0.75;

    /// <summary>Largest weight of distinct recipient domains. Default 30.</summary>
    public double RecipientDomainsMaxWeight { get; set; } = 30;
}
