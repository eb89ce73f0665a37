namespace OutboundGuard.Storage.Campaigns;

/// <summary>A body fingerprint ops confirmed as abuse ('blocked') or cleared ('unblocked').</summary>
public sealed class CampaignFingerprint
{
    public string Fingerprint { get; set; } = "";
    public string Status { get; set; } = "blocked";
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
