namespace OutboundGuard.Scoring.Campaigns;

/// <summary>What the campaign tracker knows about the fingerprint of the message being scored.</summary>
/// <param name="Fingerprint">The 64-bit body simhash, hex, for evidence and ops confirmation.</param>
/// <param name="Accounts">Distinct accounts that sent a near-identical body within the campaign window (this one included).</param>
/// <param name="Tenants">Distinct tenants among them.</param>
/// <param name="FreshAccounts">How many of those accounts are not established (young or little clean history).</param>
/// <param name="Window">The campaign window the counts cover.</param>
/// <param name="Blocked">Whether the fingerprint was confirmed as abuse (by ops or a suspension).</param>
/// <param name="BlockedReason">Why it was blocked, e.g. "confirmed by ops" or "sent by suspended account 42".</param>
/// <param name="TemplateGuard">Whether the tenant-template guard applies: one tenant, established accounts, no bad URLs.</param>
/// <param name="SharedWithSuspended">A suspended account sent this fingerprint, or null.</param>
public sealed record CampaignObservation(
    string Fingerprint,
    int Accounts,
    int Tenants,
    int FreshAccounts,
    TimeSpan Window,
    bool Blocked,
    string? BlockedReason,
    bool TemplateGuard,
    long? SharedWithSuspended)
{
    /// <summary>Distinct accounts that sent messages with exactly this message's set of link domains within the window.</summary>
    public int UrlSetAccounts { get; init; }

    /// <summary>How many of the accounts are brand new (<see cref="CampaignTrackerOptions.NewAccountAge"/>).</summary>
    public int NewAccounts { get; init; }

    /// <summary>Whether the block was confirmed by ops (decisive), not set automatically by a suspension.</summary>
    public bool BlockConfirmed { get; init; }

    /// <summary>Whether every text of the cluster is short (fewer than <see cref="CampaignTrackerOptions.RichWords"/> words): greetings, "see attached", signatures.</summary>
    public bool LowInformation { get; init; }

    /// <summary>Whether any message of the cluster carried a bad URL or phishing phrasing.</summary>
    public bool BadContent { get; init; }

    /// <summary>Whether any message of the cluster linked to an uncommon domain (neither a popular site nor one other tenants' established accounts link to).</summary>
    public bool UncommonLinks { get; init; }

    /// <summary>Accounts that sent this fingerprint in a run (several messages within the window) — a notice is sent once per account.</summary>
    public int RepeatingAccounts { get; init; }

    /// <summary>Whether enough accounts repeat it in runs (<see cref="CampaignTrackerOptions.RunSenders"/>) to tell a run of abuse from a notice.</summary>
    public bool RepeatedInRuns { get; init; }
}
