namespace OutboundGuard.Scoring.Policy;

/// <summary>The policy's decision to hold an accepted message for a rescan before delivery.</summary>
/// <param name="Duration">How long the message waits before its rescan.</param>
/// <param name="Finding">Why, as a finding of weight 0 (detector "hold") that ops read with the verdict's other evidence.</param>
public sealed record HoldDecision(TimeSpan Duration, Evidence Finding);
