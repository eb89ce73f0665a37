namespace OutboundGuard.Scoring.Accounts;

/// <summary>Verified feedback-loop complaints about an account's (or a tenant's) mail over the counting window.</summary>
/// <param name="Complaints">Reported messages (abuse or fraud), each counted once.</param>
/// <param name="Messages">Messages the relay accepted in the same window (never fewer than the complaints).</param>
public sealed record ComplaintStanding(int Complaints, long Messages)
{
    /// <summary>Complaints ÷ messages, 0–1.</summary>
    public double Rate => Complaints == 0 ? 0 : (double)Complaints / Math.Max(Messages, Complaints);
}
