namespace OutboundGuard.Storage.Accounts;

/// <summary>One row of an account's state history.</summary>
public sealed class AccountStateChange
{
    public string FromState { get; set; } = "";
    public string ToState { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Actor { get; set; } = "";
    public long? VerdictId { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}
