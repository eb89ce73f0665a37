using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Relay;

/// <summary>A message as scoring saw it, with the live verdict (and the shadow policy's, when one runs).</summary>
internal sealed record ScoredMessage(MessageUnderReview Review, ScoringResult Result)
{
    public Verdict Verdict => Result.Live;

    public string? Subject => Review.Content?.Subject;
}
