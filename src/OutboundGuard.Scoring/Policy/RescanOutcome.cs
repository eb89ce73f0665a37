namespace OutboundGuard.Scoring.Policy;

/// <summary>A held message's rescan: what the relay learned meanwhile, and whether that stops the message.</summary>
/// <param name="Quarantine">True to quarantine the message, false to release it to delivery.</param>
/// <param name="Learned">Each thing learned meanwhile, in words ("held 15 min: …"); empty when nothing was.</param>
/// <param name="Reason">One sentence for the verdict: the first thing learned, or that nothing was.</param>
public sealed record RescanOutcome(bool Quarantine, IReadOnlyList<Evidence> Learned, string Reason);
