namespace OutboundGuard.Storage.Audit;

/// <summary>One audit log entry.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string? Reason { get; set; }
    public string? Details { get; set; }
    public DateTimeOffset At { get; set; }
}
