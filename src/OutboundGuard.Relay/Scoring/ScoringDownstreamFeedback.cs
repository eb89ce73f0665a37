using OutboundGuard.Delivery;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Relay;

/// <summary>
/// Offers every downstream reply to scoring: a spike of 5xx "unknown user" or "blocked using ..." replies
/// for one account is evidence that it sends spam, and the refused recipients are named in it. Connection failures
/// (code 0) say nothing about the account. The replies are this node's (the node that delivered the message).
/// </summary>
internal sealed class ScoringDownstreamFeedback(AccountActivityTracker tracker, TimeProvider time, IRelayMetrics metrics) : IDownstreamFeedback
{
    public void OnReply(long? accountId, Guid messageId, int code, string text, string outcome, string? recipient)
    {
        metrics.DownstreamReply(code);
        if (accountId is { } id && code > 0)
        {
            tracker.RecordDownstreamReply(id, code, text, time.GetUtcNow(), recipient);
        }
    }
}
