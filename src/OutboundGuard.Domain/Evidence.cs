namespace OutboundGuard.Domain;

/// <summary>
/// One finding of one detector, in words ops staff read as they are: the UI, the API, the CLI and the
/// logs all show <see cref="Text"/> unchanged, e.g. "61 messages in 1 min, limit 30".
/// </summary>
/// <param name="Detector">The detector's stable name, e.g. "rate".</param>
/// <param name="Weight">How much the finding adds to the message's score (0–100 scale; 100 alone suspends by default).</param>
/// <param name="Text">A sentence with numbers and units.</param>
public sealed record Evidence(string Detector, double Weight, string Text)
{
    /// <summary>
    /// When set, the finding is decisive: the policy applies at least this action whatever the score
    /// (e.g. a rate above twice the limit, a fingerprint confirmed as abuse). Null for ordinary findings.
    /// </summary>
    public VerdictAction? Forces { get; init; }

    /// <summary>
    /// True for a finding about the message itself that may skip the decision ladder (a brand look-alike link, a
    /// blocklisted URL, a campaign fingerprint ops confirmed as abuse): its <see cref="Forces"/> applies even to an
    /// account with a clean history. Other forced actions go no further than a throttle on an account's first step.
    /// </summary>
    public bool Decisive { get; init; }
}
