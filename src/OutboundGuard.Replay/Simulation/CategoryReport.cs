namespace OutboundGuard.Replay.Simulation;

/// <summary>What one category of legitimate senders suffered in a <see cref="TrafficSimulation"/> run. Each message counts once, whatever its retries.</summary>
/// <param name="Name">e.g. "ordinary (webmail, office NAT)".</param>
/// <param name="Accounts">Accounts of the category that sent in the period.</param>
/// <param name="Messages">Messages they submitted.</param>
/// <param name="Deferred">Messages deferred (451 4.7.1) at least once.</param>
/// <param name="DeferredThenDelivered">Deferred messages whose retry was later accepted and relayed.</param>
/// <param name="StillDeferred">Deferred messages still waiting for a retry to be accepted when the period ended.</param>
/// <param name="Held">Messages accepted and held for review (quarantine), on the first attempt or a retry.</param>
/// <param name="Refused">Messages refused (550 5.7.1) because the verdict suspended the account or it was suspended already.</param>
/// <param name="HighRisk">Messages relayed over the high-risk route.</param>
/// <param name="AccountsThrottled">Accounts throttled at least once.</param>
/// <param name="AccountsSuspended">Accounts suspended.</param>
public sealed record CategoryReport(string Name, int Accounts, long Messages, long Deferred, long DeferredThenDelivered, long StillDeferred,
    long Held, long Refused, long HighRisk, int AccountsThrottled, int AccountsSuspended)
{
    /// <summary>Mean time from a deferred message's first attempt to the retry that was accepted.</summary>
    public TimeSpan MeanDelay { get; init; }

    /// <summary>Longest time from a deferred message's first attempt to the retry that was accepted.</summary>
    public TimeSpan MaxDelay { get; init; }

    /// <summary>How long the oldest message still deferred at the end of the period had been waiting.</summary>
    public TimeSpan OldestStillDeferred { get; init; }

    /// <summary>Retries of deferred messages that were deferred again (each retry is an attempt the account's windows count).</summary>
    public long RetriesDeferred { get; init; }

    /// <summary>Deferred messages per million messages.</summary>
    public double DeferredPerMillion => PerMillion(Deferred);

    /// <summary>Held messages per million messages.</summary>
    public double HeldPerMillion => PerMillion(Held);

    /// <summary>Refused messages per million messages.</summary>
    public double RefusedPerMillion => PerMillion(Refused);

    private double PerMillion(long n) => Messages == 0 ? 0 : n * 1e6 / Messages;
}
