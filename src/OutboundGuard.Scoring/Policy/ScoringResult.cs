namespace OutboundGuard.Scoring.Policy;

/// <summary>The live verdict the host acts on and, in shadow mode, what the candidate policy would have decided.</summary>
/// <param name="Live">The verdict to enforce.</param>
/// <param name="Shadow">The candidate policy's would-be verdict, never enforced; null without a shadow policy.</param>
public sealed record ScoringResult(Verdict Live, Verdict? Shadow)
{
    /// <summary>For an accepted message of a young account: hold it and rescan it before delivery; null to deliver at once.</summary>
    public HoldDecision? Hold { get; init; }

    /// <summary>
    /// The body fingerprint scoring computed for the campaign tracker (<see cref="Campaigns.BodyFingerprint"/>, 64 bits);
    /// null when the message had no content, too few words, or campaign tracking is off.
    /// </summary>
    public ulong? BodyFingerprint { get; init; }
}
