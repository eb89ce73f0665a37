namespace OutboundGuard.Replay.Replaying;

/// <summary>What the relay did with one replayed message, as its SMTP replies show.</summary>
public enum SendOutcome
{
    /// <summary>250 after DATA: accepted (relayed, or held in quarantine — a client cannot tell).</summary>
    Accepted,

    /// <summary>A 4xx reply: deferred (451 4.7.1 is a throttle).</summary>
    Deferred,

    /// <summary>A 5xx reply: refused (550 5.7.1 is a suspension).</summary>
    Rejected,

    /// <summary>No reply: the connection failed, or AUTH failed.</summary>
    Failed,

    /// <summary>Not sent: the entry has no content (a refused message recorded without it).</summary>
    Skipped,
}
