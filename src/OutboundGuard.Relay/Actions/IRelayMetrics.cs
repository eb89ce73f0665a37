namespace OutboundGuard.Relay;

/// <summary>
/// What the relay counts as it decides messages: the host exports it (Prometheus, at /metrics), the relay only
/// reports.
/// </summary>
internal interface IRelayMetrics
{
    /// <summary>A message was decided: its action and the reply code the client got.</summary>
    void MessageDecided(VerdictAction action, int replyCode);

    /// <summary>One message's whole scoring (all detectors and the policy) took <paramref name="elapsed"/>.</summary>
    void ScoringTook(TimeSpan elapsed);

    /// <summary>The smarthost answered a delivery with <paramref name="code"/> (0 or less: no reply).</summary>
    void DownstreamReply(int code);

    /// <summary>An attempt was refused at MAIL FROM because the account is <paramref name="state"/> (suspended or throttled).</summary>
    void AttemptRefused(AccountState state);
}
