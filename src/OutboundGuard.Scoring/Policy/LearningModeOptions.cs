namespace OutboundGuard.Scoring.Policy;

/// <summary>
/// Learning mode (section <c>OutboundGuard:Scoring:Learning</c>): until the given time, verdicts are recorded but not
/// enforced, so ops can read what the relay would have done to a new deployment's or a new tenant's traffic. Off by default.
/// </summary>
public sealed class LearningModeOptions
{
    /// <summary>Learning mode for every tenant until this time (UTC). Null (default): off.</summary>
    public DateTimeOffset? Until { get; set; }

    /// <summary>Learning mode for one tenant (its domain) until the given time; overrides <see cref="Until"/> for that tenant.</summary>
    public Dictionary<string, DateTimeOffset> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
