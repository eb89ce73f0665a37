namespace OutboundGuard.Delivery;

/// <summary>
/// The delivery queue, section <c>OutboundGuard:Delivery</c>. With no <see cref="Smarthost"/> the relay
/// delivers into the built-in sink folder (<see cref="SinkDirectory"/>) so a first message arrives somewhere visible.
/// </summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "OutboundGuard:Delivery";

    /// <summary>The smarthost for route 'default' (and 'high-risk' without its own); null delivers into the sink.</summary>
    public SmarthostOptions? Smarthost { get; set; }

    /// <summary>The smarthost for route 'high-risk' (a separate IP pool); null falls back to <see cref="Smarthost"/> with a warning at start.</summary>
    public SmarthostOptions? HighRiskSmarthost { get; set; }

    /// <summary>Folder of the built-in sink (route 'sink'), used when no smarthost is configured. Defaults to "data/sink".</summary>
    public string SinkDirectory { get; set; } = Path.Combine("data", "sink");

    /// <summary>Messages delivered at the same time, over all routes. Defaults to 4.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// Inbound first: while the SMTP side is receiving messages, at most this many are delivered at the same time, so
    /// the CPU goes first to the customers' MTAs waiting for their 250 and the queue drains in the gaps. Null (the
    /// default) is a quarter of <see cref="Parallelism"/>, at least 1; equal to it turns the pacing off. Bounded by
    /// <see cref="InboundFirstMaxWait"/>.
    /// </summary>
    public int? InboundFirstParallelism { get; set; }

    /// <summary>
    /// Once a message waits this long for its first attempt, the queue fills the whole <see cref="Parallelism"/> whatever
    /// the SMTP side does, and again each second while the oldest first attempt still waited this long. Defaults to 10 s.
    /// </summary>
    public TimeSpan InboundFirstMaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fair share: half of each claim takes the oldest first attempt of accounts in turn, so one account's backlog (a
    /// newsletter) does not hold other accounts' mail until the queue has worked through it; the other half keeps the
    /// order of due time. Defaults to true; false claims in order of due time only.
    /// </summary>
    public bool FairShare { get; set; } = true;

    /// <summary>Deliveries at the same time while messages are being received.</summary>
    public int EffectiveInboundFirstParallelism => Math.Min(Parallelism, InboundFirstParallelism ?? Math.Max(1, Parallelism / 4));

    /// <summary>Delay before the first retry of a deferred message; doubles per attempt. Defaults to 1 min.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest delay between two attempts. Defaults to 1 h.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Random spread of each retry delay, as a fraction (0.2 = ±20 %), so deferred mail does not return in one wave. Defaults to 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>A message still undelivered this long after it was received is bounced (status 4.4.7). Defaults to 5 days (RFC 5321 §4.5.4.1 suggests 4–5 days).</summary>
    public TimeSpan MaxQueueLifetime { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How often the queue looks for due messages without being notified. Defaults to 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim on a message holds without renewal; a message claimed by a node that died is retried after this. Defaults to 5 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long spool files of messages in a final state are kept (for ops to inspect); zero removes them at once. Defaults to zero.</summary>
    public TimeSpan SpoolRetention { get; set; } = TimeSpan.Zero;

    /// <summary>This relay's name in DSNs (Reporting-MTA) and in the bounce sender. Defaults to the machine name.</summary>
    public string ServerName { get; set; } = Environment.MachineName;

    /// <summary>The From address of DSNs. Defaults to MAILER-DAEMON@<see cref="ServerName"/>.</summary>
    public string? BounceSender { get; set; }

    /// <summary>With RET=FULL the original is attached whole up to this size, its headers only above it. Defaults to 1 MiB.</summary>
    public long BounceMaxOriginalSize { get; set; } = 1024 * 1024;

    /// <summary>Largest spooled message relayed (streamed from disk as it is sent); larger spooled messages fail. Defaults to 100 MiB.</summary>
    public long MaxMessageSize { get; set; } = 100L * 1024 * 1024;

    /// <summary>The From address of DSNs as configured or defaulted.</summary>
    public string EffectiveBounceSender => string.IsNullOrWhiteSpace(BounceSender) ? $"MAILER-DAEMON@{ServerName}" : BounceSender;
}
