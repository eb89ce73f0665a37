namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// One account to create or update by <see cref="AccountImporter"/>. A null field is "not given": a new account
/// gets the default, an existing one keeps what it has (an import never clears a value).
/// </summary>
public sealed record AccountImportRow
{
    /// <summary>Where the row came from in its file (1-based), for the report; 0 when built in code.</summary>
    public int Line { get; init; }

    /// <summary>The normalised (lower-case) mailbox, the key of the upsert.</summary>
    public required string Address { get; init; }

    /// <summary>The tenant's domain when given; default for a new account: the address's domain. May differ from the address's domain.</summary>
    public string? Tenant { get; init; }

    /// <summary>When the account was created at the provider (microsecond precision); default for a new account: now.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary><c>active</c> or <c>suspended</c>. An import suspends an existing account but never reinstates one.</summary>
    public string? State { get; init; }

    /// <summary>A password hash in a format of <see cref="Security.PasswordHashFormats"/>; never a plaintext password.</summary>
    public string? PasswordHash { get; init; }

    public int? MessagesPerMinute { get; init; }

    public int? MessagesPerHour { get; init; }

    public int? RecipientsPerMinute { get; init; }

    public int? RecipientsPerHour { get; init; }

    public int? RecipientsPerDay { get; init; }

    /// <summary>The provider's known usual volume in messages per hour, stored to seed the account's baseline.</summary>
    public double? UsualMessagesPerHour { get; init; }

    /// <summary>The tenant a new account gets.</summary>
    public string TenantOrDomain => Tenant ?? Address[(Address.LastIndexOf('@') + 1)..];
}
