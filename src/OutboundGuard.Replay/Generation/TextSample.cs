namespace OutboundGuard.Replay.Generation;

/// <summary>The subject and plain-text body of a sample message (from the corpus or the built-in texts).</summary>
public sealed record TextSample(string Subject, string Body);
