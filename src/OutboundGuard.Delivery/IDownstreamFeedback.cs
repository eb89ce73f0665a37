namespace OutboundGuard.Delivery;

/// <summary>
/// Downstream replies as evidence: the host wires this to scoring, because a burst of 5xx "blocked" or
/// "unknown user" replies for one account is a spam signal. Called once for every reply recorded in
/// <c>delivery_attempts</c>, after it is committed; must be quick and must not throw (failures are logged and ignored).
/// </summary>
public interface IDownstreamFeedback
{
    /// <param name="accountId">The account that sent the message, or null (relay-generated DSNs).</param>
    /// <param name="messageId">The spooled message.</param>
    /// <param name="code">SMTP reply code; 0 when there was no reply (connection refused, timeout).</param>
    /// <param name="text">Reply text, or the error that replaced it.</param>
    /// <param name="outcome">'accepted', 'deferred' or 'rejected'.</param>
    /// <param name="recipient">The recipient the reply is about, or null when it is about the whole transaction.</param>
    void OnReply(long? accountId, Guid messageId, int code, string text, string outcome, string? recipient);
}
