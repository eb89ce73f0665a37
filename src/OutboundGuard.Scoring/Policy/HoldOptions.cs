namespace OutboundGuard.Scoring.Policy;

/// <summary>
/// Hold and rescan for young accounts, section <c>OutboundGuard:Scoring:Hold</c>: a message of an account younger than
/// <see cref="ScoringOptions.EstablishedAge"/> that scores in the upper half below the throttle threshold and carries a
/// link to a domain new to its tenant or phishing phrasing is accepted (250) but held for <see cref="Duration"/>, then
/// rescanned with what the relay learned meanwhile and released or quarantined. Established accounts are never held.
/// </summary>
public sealed class HoldOptions
{
    /// <summary>Whether borderline messages of young accounts are held. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long such a message waits before its rescan. Default 15 min: long enough for a campaign's other accounts to be stopped.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a node that delivers looks for held messages whose time is up. Default 10 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}
