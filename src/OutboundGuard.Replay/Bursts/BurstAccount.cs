namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// One account of a burst, as an element of <c>accounts.json</c>: its credentials and what a test sets up
/// before replaying (age, raised limits).
/// </summary>
public sealed record BurstAccount
{
    /// <summary>The account's address (its AUTH user name).</summary>
    public string Address { get; init; } = "";

    /// <summary>The SMTP AUTH password; null when given on the command line.</summary>
    public string? Password { get; init; }

    /// <summary>How many days before the burst the account was created: 0 for a fresh sign-up. Default 365 (established).</summary>
    public int CreatedDaysAgo { get; init; } = 365;

    /// <summary>Per-account limits to set before replaying (e.g. a newsletter sender's raised limits); null for the defaults.</summary>
    public BurstAccountLimits? Limits { get; init; }

    /// <summary>A note on the account's role in the burst, e.g. "hijacked established mailbox" (reporting only).</summary>
    public string? Role { get; init; }
}
