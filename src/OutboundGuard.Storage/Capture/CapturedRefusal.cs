namespace OutboundGuard.Storage.Capture;

/// <summary>A message of an account that was refused (throttled or suspended) and never spooled: only its verdict is kept.</summary>
public sealed class CapturedRefusal
{
    public long VerdictId { get; set; }
    public string Action { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? EnvelopeFrom { get; set; }
    public int RecipientCount { get; set; }
    public string? Subject { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
}
