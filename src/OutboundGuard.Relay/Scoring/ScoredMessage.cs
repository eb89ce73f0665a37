using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Relay;

/// <summary>
/// A message as scoring saw it, with the live verdict (and the shadow policy's, when one runs). Disposing it disposes
/// the parsed content: MimeKit's entities have finalizers, so a parsed message left to the collector survives its first
/// collection and is copied into an older generation; the relay disposes it once the verdict is applied.
/// </summary>
internal sealed record ScoredMessage(MessageUnderReview Review, ScoringResult Result) : IDisposable
{
    public Verdict Verdict => Result.Live;

    public string? Subject => Review.Content?.Subject;

    public void Dispose() => Review.Content?.Dispose();
}
