namespace OutboundGuard.Relay;

/// <summary>How the relay maps sessions to accounts. Section "OutboundGuard:Relay".</summary>
public sealed class RelayOptions
{
    public const string Section = "OutboundGuard:Relay";

    /// <summary>
    /// A header field naming the sending account behind a connector (e.g. "X-AuthUser", as some appliances add);
    /// empty (the default) uses the envelope sender. Read from the message's header block at the end of data and
    /// trusted only on sessions known by a connector range (the address must be within the connector's tenant,
    /// else 550 5.7.1); removed from every message before it is stored, so the next hop never sees it.
    /// </summary>
    public string? ConnectorAccountHeader { get; set; }

    /// <summary>
    /// Require the envelope sender of an AUTH session to be within the account's tenant (its domain or a
    /// subdomain). Default true: an account may not send as another customer's domain.
    /// </summary>
    public bool RequireSenderInTenant { get; set; } = true;

    /// <summary>
    /// How long a successful AUTH is remembered (<see cref="AuthVerificationCache"/>), so that an MTA opening a connection
    /// per message costs one Argon2id verification per this period, not one per message. Zero turns it off. Defaults to
    /// 2 min; a password change, suspension or reinstatement forgets it at once on every node.
    /// </summary>
    public TimeSpan AuthSuccessCacheTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a failed AUTH (wrong password or unknown address) is remembered, so that the same guess repeated costs no
    /// verification; the failure delays and lock-outs apply all the same. Zero turns it off. Defaults to 1 min.
    /// </summary>
    public TimeSpan AuthFailureCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most AUTH successes remembered, and as many failures (about 100 bytes each). Defaults to 20,000.</summary>
    public int AuthCacheMaxEntries { get; set; } = 20_000;

    /// <summary>
    /// Sessions of one account refused at MAIL FROM (suspended or throttled) within a minute on this node before its
    /// further sessions' refusals are delayed (<see cref="RefusalBrake"/>). Defaults to 20 and may not be set below it: a
    /// customer's MTA meeting a throttle with its 20 parallel sessions (Postfix's default destination concurrency) is
    /// answered at once.
    /// </summary>
    public int RefusedSessionsBeforeDelay { get; set; } = 20;

    /// <summary>
    /// What each refused session over <see cref="RefusedSessionsBeforeDelay"/> adds to the wait before the next one's
    /// refusal is answered. Defaults to 250 ms, so the wait reaches <see cref="MaxRefusalDelay"/> after 20 more sessions.
    /// </summary>
    public TimeSpan RefusalDelayStep { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest wait before a refused session's refusal is answered. Defaults to 5 s: 20 sessions reconnecting at full
    /// speed then cost at most 4 TLS handshakes a second, and the wait stays far below the 5 min an MTA waits for a reply
    /// (RFC 5321 §4.5.3.2.2). Zero turns the delay off.
    /// </summary>
    public TimeSpan MaxRefusalDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often this node adds the attempts it refused at MAIL FROM (suspended or throttled account; counted in memory)
    /// to the per-account-minute rows the console reads (<see cref="RefusedAttemptWriter"/>). Defaults to 10 s: the
    /// refused series of a chart lags at most this much, and a node writes at most one statement per interval.
    /// </summary>
    public TimeSpan RefusedAttemptFlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
