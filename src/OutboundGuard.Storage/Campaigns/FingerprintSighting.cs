namespace OutboundGuard.Storage.Campaigns;

/// <summary>One held message's fingerprint with its sending account.</summary>
public sealed class FingerprintSighting
{
    public Guid MessageId { get; set; }
    public string Fingerprint { get; set; } = "";
    public long? AccountId { get; set; }
    public string? Address { get; set; }
    public string? Subject { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
