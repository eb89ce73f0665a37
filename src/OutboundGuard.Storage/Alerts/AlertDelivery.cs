namespace OutboundGuard.Storage.Alerts;

/// <summary>One alert's delivery on one channel: which state change, which node sends it, its attempts and result.</summary>
public sealed class AlertDelivery
{
    public long ChangeId { get; set; }
    public string Account { get; set; } = "";
    public string Tenant { get; set; } = "";
    public string ToState { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Node { get; set; } = "";
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When the alert was folded into the digest (over the day's budget); null when sent on its own.</summary>
    public DateTimeOffset? FoldedAt { get; set; }

    /// <summary>When a digest took the folded alert.</summary>
    public DateTimeOffset? DigestedAt { get; set; }
}
