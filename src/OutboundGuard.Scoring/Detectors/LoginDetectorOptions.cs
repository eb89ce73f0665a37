namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Weight of the <see cref="LoginDetector"/>'s finding (raised login scrutiny), section <c>OutboundGuard:Scoring:Logins</c>.
/// When it weighs and for how long: <c>OutboundGuard:Scoring:Tracker:Logins</c>. docs/configuration.md lists every key
/// with its default.
/// </summary>
public sealed class LoginDetectorOptions
{
    /// <summary>The finding's weight: under the high-risk threshold (25) alone, half a throttle (40) with others. Default 20.</summary>
    public double Weight { get; set; } = 20;
}
