namespace OutboundGuard.Replay.Replaying;

/// <summary>Where and how a burst is replayed.</summary>
public sealed record ReplayOptions
{
    /// <summary>The relay's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The relay's SMTP port.</summary>
    public required int Port { get; init; }

    /// <summary>Upgrade every connection with STARTTLS before AUTH (required when the relay refuses AUTH in clear).</summary>
    public bool StartTls { get; init; }

    /// <summary>Accept the relay's certificate without validation (a development or test certificate on loopback).</summary>
    public bool TrustAnyCertificate { get; init; }

    /// <summary>The pace. Default captured.</summary>
    public ReplayPace Pace { get; init; } = ReplayPace.Captured;

    /// <summary>At most this many messages in flight at once (one connection per account and session). Default 8.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// Send each message's captured time in the <see cref="ReplayTimeHeader.Name"/> header, so a relay in
    /// replay-clock mode sees captured rates. A relay not in that mode ignores it. Default true.
    /// </summary>
    public bool SendReplayTime { get; init; } = true;

    /// <summary>Passwords given outside the burst (the --accounts file or standard input), by account; they win over the burst's.</summary>
    public IReadOnlyDictionary<string, string> Passwords { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Connect from a distinct loopback address per client label (<see cref="ClientAddressMap"/>); only for a
    /// relay on loopback. Default false.
    /// </summary>
    public bool BindClientAddresses { get; init; }

    /// <summary>
    /// Close a session's connection after a message when the session's next message comes more than this
    /// much captured time later (or there is none), and reconnect for it, as an MTA closes idle connections.
    /// Keeps the number of open sessions from one client label to what the client really held (the relay
    /// limits sessions per client IP). Null keeps every connection open to the end of the replay. Default null.
    /// </summary>
    public TimeSpan? CloseIdleAfter { get; init; }

    /// <summary>Timeout of one SMTP command. Default 60 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
