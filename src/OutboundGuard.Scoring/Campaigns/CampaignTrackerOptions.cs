namespace OutboundGuard.Scoring.Campaigns;

/// <summary>Bounds of the <see cref="CampaignTracker"/>.</summary>
public sealed class CampaignTrackerOptions
{
    /// <summary>Accounts sending a near-identical body within this window count as one campaign. Default 10 min.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A fingerprint cluster with no message for this long is forgotten (unless blocked). Default 1 h.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Clusters kept at most; past it the least recently active go first. Default 20,000.</summary>
    public int MaxClusters { get; set; } = 20_000;

    /// <summary>Accounts remembered per cluster. Default 1,000.</summary>
    public int MaxAccountsPerCluster { get; set; } = 1_000;

    /// <summary>An account at least this old is established (the tenant-template guard needs all senders established). Default 14 days.</summary>
    public TimeSpan EstablishedAge { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Messages of one cluster an account sends within the window that make a run. Default 5.</summary>
    public int RunLength { get; set; } = 5;

    /// <summary>Accounts in a run that take the tenant-template guard off a cluster (and its 30 cap on clean text). Default 3.</summary>
    public int RunSenders { get; set; } = 3;

    /// <summary>
    /// Words a text needs before its fingerprint can tell a campaign: shorter texts (greetings, "see attached", signatures,
    /// forwarded notices) are alike across unrelated senders, so they raise no campaign finding on clean text and are never
    /// blocked. Default 25.
    /// </summary>
    public int RichWords { get; set; } = 25;

    /// <summary>
    /// Accounts younger than this are brand new: a cluster sent mostly by them looks like sign-up fraud (a campaign even
    /// with clean text). Young accounts older than this (a new shop on its platform's shipping template) do not. Default 2 days.
    /// </summary>
    public TimeSpan NewAccountAge { get; set; } = TimeSpan.FromDays(2);
}
