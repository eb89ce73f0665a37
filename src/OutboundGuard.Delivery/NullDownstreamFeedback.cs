namespace OutboundGuard.Delivery;

/// <summary>Feedback that goes nowhere, until the host registers its own <see cref="IDownstreamFeedback"/>.</summary>
internal sealed class NullDownstreamFeedback : IDownstreamFeedback
{
    public void OnReply(long? accountId, Guid messageId, int code, string text, string outcome, string? recipient)
    {
    }
}
