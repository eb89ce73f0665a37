namespace OutboundGuard.Scoring.Accounts;

/// <summary>Smarthost replies for one account over the last hour.</summary>
/// <param name="Total">All replies recorded, accepted ones included.</param>
/// <param name="UnknownUser">5xx replies saying the recipient does not exist (550 5.1.1 and the like).</param>
/// <param name="Blocked">5xx replies saying the message was blocked as spam or by a blocklist ("blocked using", 5.7.1).</param>
public sealed record DownstreamCounts(int Total, int UnknownUser, int Blocked)
{
    public static DownstreamCounts None { get; } = new(0, 0, 0);
}
