namespace OutboundGuard.Domain;

/// <summary>What the relay does with a message (and possibly its account), mildest first.</summary>
public enum VerdictAction
{
    /// <summary>Relay onward to the smarthost.</summary>
    Relay = 0,

    /// <summary>Relay, but through the high-risk route so the main pool's reputation is spared.</summary>
    HighRiskRoute = 1,

    /// <summary>Defer with 451 4.7.1; the account cools down and is released automatically.</summary>
    Throttle = 2,

    /// <summary>Accept and hold the message for ops review instead of relaying it.</summary>
    Quarantine = 3,

    /// <summary>Refuse the message and every further one (550 5.7.1) until ops reinstate the account.</summary>
    Suspend = 4,
}
