namespace OutboundGuard.Storage.Complaints;

/// <summary>A stored feedback-loop report with the account and tenant its message came from (null when not found).</summary>
public sealed class ComplaintRecord
{
    public long Id { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string Door { get; set; } = "";
    public string ReceivedFrom { get; set; } = "";
    public string? Source { get; set; }
    public bool Verified { get; set; }
    public string Verification { get; set; } = "";
    public string FeedbackType { get; set; } = "";
    public Guid? MessageId { get; set; }
    public long? AccountId { get; set; }
    public string? Account { get; set; }
    public string? Tenant { get; set; }
    public string? OriginalMailFrom { get; set; }
    public DateTimeOffset? ArrivalDate { get; set; }
    public string? ReportedSubject { get; set; }
    public int SizeOctets { get; set; }
}
