namespace OutboundGuard.Storage.Alerts;

/// <summary>One state change of an account with its tenant's admin address.</summary>
public sealed class StateChangeForAlert
{
    public long Id { get; set; }
    public string FromState { get; set; } = "";
    public string ToState { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public DateTimeOffset ChangedAt { get; set; }
    public string Address { get; set; } = "";
    public string Tenant { get; set; } = "";
    public string? AdminEmail { get; set; }
    public DateTimeOffset? ThrottledUntil { get; set; }
}
