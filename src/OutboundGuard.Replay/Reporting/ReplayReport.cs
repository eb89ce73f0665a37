namespace OutboundGuard.Replay.Reporting;

/// <summary>The outcome of one replay: totals, the legitimate and abusive sides, and each account.</summary>
public sealed record ReplayReport
{
    public required string Burst { get; init; }
    public required string Server { get; init; }
    public required string Pace { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public double DurationSeconds { get; init; }
    public int Sent { get; init; }
    public int Accepted { get; init; }
    public int Deferred { get; init; }
    public int Rejected { get; init; }
    public int Failed { get; init; }
    public int Skipped { get; init; }

    /// <summary>Messages of legitimate accounts sent.</summary>
    public int LegitimateSent { get; init; }

    /// <summary>Messages of legitimate accounts deferred (4xx).</summary>
    public int LegitimateDeferred { get; init; }

    /// <summary>Messages of legitimate accounts refused (5xx).</summary>
    public int LegitimateRejected { get; init; }

    /// <summary>Legitimate accounts that got a suspension reply.</summary>
    public int LegitimateAccountsSuspended { get; init; }

    /// <summary>Messages of abusive accounts accepted before their account was first throttled or suspended.</summary>
    public int AbusiveAcceptedBeforeContainment { get; init; }

    /// <summary>Messages of abusive accounts accepted in all.</summary>
    public int AbusiveAccepted { get; init; }

    public IReadOnlyList<AccountReport> Accounts { get; init; } = [];
}
