namespace OutboundGuard.Scoring.Campaigns;

/// <summary>What the campaign tracker knows now of a fingerprint, read without recording a message (a held message's rescan).</summary>
/// <param name="Fingerprint">The cluster's fingerprint, hex.</param>
/// <param name="BlockedReason">Why the fingerprint (or a blocked one within the campaign distance) is blocked, or null.</param>
/// <param name="Accounts">The accounts that sent it within the tracker's retention.</param>
public sealed record CampaignRecall(string Fingerprint, string? BlockedReason, IReadOnlyList<long> Accounts);
