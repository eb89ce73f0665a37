namespace OutboundGuard.Storage.Complaints;

/// <summary>
/// An account's verified complaints and accepted messages over the counting window, with its tenant's: the
/// complaint rate is complaints ÷ messages (mailbox providers treat 0.3 % as a ceiling).
/// </summary>
public sealed class ComplaintCounts
{
    public long AccountId { get; set; }
    public string Tenant { get; set; } = "";
    public int AccountComplaints { get; set; }
    public long AccountMessages { get; set; }
    public int TenantComplaints { get; set; }
    public long TenantMessages { get; set; }
}
