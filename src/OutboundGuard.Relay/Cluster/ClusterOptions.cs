namespace OutboundGuard.Cluster;

/// <summary>
/// How relay nodes that share one PostgreSQL share account state and counters. Section "OutboundGuard:Cluster".
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "OutboundGuard:Cluster";

    /// <summary>
    /// This node's name in the shared counters (<c>account_minute_counts.node</c>). Must differ between nodes.
    /// Defaults to the machine name and a random suffix per start.
    /// </summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How often this node writes its counts and reads the other nodes'. Defaults to 200 ms.</summary>
    public TimeSpan CounterFlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// From this many messages of an account in the last minute (as this node sees them, all nodes merged),
    /// each further message's counts are written and the other nodes' read synchronously before it is scored,
    /// so a burst split across nodes is judged whole. Only while another node runs (<see cref="ClusterPeers"/>):
    /// a node alone has nothing to read, and writes its counts every <see cref="CounterFlushInterval"/>. Defaults
    /// to 3, below the smallest per-minute limit the rate detector applies (5, a new account's ramped limit).
    /// </summary>
    public int SyncFromMessagesPerMinute { get; set; } = 3;

    /// <summary>The same threshold for recipients in the last minute. Defaults to 10.</summary>
    public int SyncFromRecipientsPerMinute { get; set; } = 10;

    /// <summary>
    /// How often this node announces itself to the others (<see cref="ClusterPeers"/>); a starting node says hello and
    /// is answered at once. Defaults to 10 s.
    /// </summary>
    public TimeSpan PeerAnnounceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a node that stopped announcing itself (without a goodbye) still counts as running. Defaults to 35 s,
    /// three announcements and a margin.
    /// </summary>
    public TimeSpan PeerExpiry { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>
    /// Longest time an account's state is served from memory at MAIL FROM, and a client address's connector tenants at
    /// connect (<see cref="ConnectorRangeCache"/>). A change is announced at once (LISTEN/NOTIFY) and drops the entry;
    /// this bounds staleness should an announcement be lost. Defaults to 10 s.
    /// </summary>
    public TimeSpan AccountCacheMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long verdicts are read back at start to restore the hot counters. Defaults to 1 day.</summary>
    public TimeSpan RestoreWindow { get; set; } = TimeSpan.FromDays(1);
}
