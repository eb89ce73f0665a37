namespace OutboundGuard.Domain;

/// <summary>The decision on one message with everything that led to it.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Score">The sum of the evidence weights the policy compared with its thresholds.</param>
/// <param name="Evidence">Every finding, strongest first.</param>
/// <param name="Reason">One sentence for the reply text and the logs, e.g. the strongest finding.</param>
public sealed record Verdict(VerdictAction Action, double Score, IReadOnlyList<Evidence> Evidence, string Reason)
{
    /// <summary>A clean verdict: relay, nothing found.</summary>
    public static Verdict Clean { get; } = new(VerdictAction.Relay, 0, [], "no findings");

    /// <summary>
    /// For <see cref="VerdictAction.Throttle"/>: how long the host defers the account before it is released
    /// (the policy's cool-down, <c>OutboundGuard:Scoring:ThrottleCoolDown</c>). Null for other actions.
    /// </summary>
    public TimeSpan? CoolDown { get; init; }
}
