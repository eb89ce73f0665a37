namespace OutboundGuard.Replay.Reporting;

/// <summary>What the relay did with one account's messages during a replay.</summary>
public sealed record AccountReport
{
    public required string Account { get; init; }

    /// <summary><c>abusive</c> when any of its messages is labelled spam or phish, else <c>legitimate</c>.</summary>
    public required string Role { get; init; }

    /// <summary>Messages sent (skipped entries excluded).</summary>
    public int Sent { get; init; }

    /// <summary>250 after DATA.</summary>
    public int Accepted { get; init; }

    /// <summary>4xx replies.</summary>
    public int Deferred { get; init; }

    /// <summary>5xx replies.</summary>
    public int Rejected { get; init; }

    /// <summary>No reply: connection or AUTH failures.</summary>
    public int Failed { get; init; }

    /// <summary>Entries without content, not sent.</summary>
    public int Skipped { get; init; }

    /// <summary>Messages accepted before the first throttle or suspension (all accepted ones when never contained).</summary>
    public int AcceptedBeforeContainment { get; init; }

    /// <summary>
    /// Every reply other than 250, by code and enhanced code (e.g. <c>451 4.7.1</c>, <c>421 4.7.0</c> for too
    /// many connections from the client, <c>454 4.7.0</c> at AUTH); failures without a reply as <c>failed</c>.
    /// </summary>
    public IReadOnlyDictionary<string, int> Replies { get; init; } = new Dictionary<string, int>();

    /// <summary>The first 451 4.7.1, or null.</summary>
    public Milestone? FirstThrottle { get; init; }

    /// <summary>The first 550 5.7.1 suspension, or null.</summary>
    public Milestone? FirstSuspension { get; init; }
}
