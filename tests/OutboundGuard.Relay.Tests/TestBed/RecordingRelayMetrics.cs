using System.Collections.Concurrent;

namespace OutboundGuard.Relay.Tests.TestBed;

/// <summary>The metrics the relay reports, kept in lists instead of exported to Prometheus.</summary>
internal sealed class RecordingRelayMetrics : IRelayMetrics
{
    public ConcurrentQueue<(VerdictAction Action, int ReplyCode)> Decided { get; } = new();

    public ConcurrentQueue<AccountState> Refused { get; } = new();

    public int ScoringRuns;

    public void MessageDecided(VerdictAction action, int replyCode) => Decided.Enqueue((action, replyCode));

    public void ScoringTook(TimeSpan elapsed) => Interlocked.Increment(ref ScoringRuns);

    public void DownstreamReply(int code)
    {
    }

    public void AttemptRefused(AccountState state) => Refused.Enqueue(state);
}
