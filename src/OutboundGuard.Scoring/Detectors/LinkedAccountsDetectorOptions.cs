namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Weights of the <see cref="LinkedAccountsDetector"/> (ties to a suspended account, probation after reinstatement),
/// section <c>OutboundGuard:Scoring:LinkedAccounts</c>. A link alone stays below the throttle threshold.
/// docs/configuration.md lists every key with its default.
/// </summary>
public sealed class LinkedAccountsDetectorOptions
{
    /// <summary>Links to suspended accounts (client IP, sign-up time) reported per message. Default 2.</summary>
    public int MaxLinks { get; set; } = 2;

    /// <summary>Weight of the first link to a suspended account. Default 20.</summary>
    public double FirstLinkWeight { get; set; } = 20;

    /// <summary>Weight of each further link. Default 10.</summary>
    public double FurtherLinkWeight { get; set; } = 10;

    /// <summary>The same body fingerprint as a suspended account (outside the tenant-template guard). Default 20.</summary>
    public double SharedFingerprintWeight { get; set; } = 20;

    /// <summary>An account on probation after ops reinstated it. Default 15.</summary>
    public double ProbationWeight { get; set; } = 15;
}
