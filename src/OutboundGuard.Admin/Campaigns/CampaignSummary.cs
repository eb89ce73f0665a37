namespace OutboundGuard.Admin.Campaigns;

/// <summary>One campaign fingerprint: whether it is blocked and why, how many held messages carried it, and the accounts that sent them.</summary>
public sealed record CampaignSummary(
    string Fingerprint,
    bool Blocked,
    string? Reason,
    int Messages,
    IReadOnlyList<string> Accounts,
    string? SampleSubject,
    DateTimeOffset? LastSeen);
