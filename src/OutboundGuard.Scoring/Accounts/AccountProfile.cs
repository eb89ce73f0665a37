namespace OutboundGuard.Scoring.Accounts;

/// <summary>What scoring knows of an account before it looks at a message.</summary>
public sealed record AccountProfile
{
    public required long Id { get; init; }

    /// <summary>The account's address, e.g. alice@tenant.example.</summary>
    public required string Address { get; init; }

    /// <summary>The tenant's domain, e.g. tenant.example.</summary>
    public required string Tenant { get; init; }

    public AccountState State { get; init; } = AccountState.Active;

    public AccountLimits Limits { get; init; } = AccountLimits.Default;

    /// <summary>When the account was created (or first seen in connector mode).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The account's usual messages per hour as the provider knows it (imported with the account), or null. Until this
    /// node has learned the account's own hourly rhythm (24 closed hours), it serves as the baseline.
    /// </summary>
    public double? UsualMessagesPerHour { get; init; }

    /// <summary>End of the current throttle cool-down, when throttled.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }
}
