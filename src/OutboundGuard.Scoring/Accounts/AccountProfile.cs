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

    /// <summary>End of the current throttle cool-down, when throttled.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }
}
