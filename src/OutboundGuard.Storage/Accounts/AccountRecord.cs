
namespace OutboundGuard.Storage.Accounts;

/// <summary>An account row as stored, with its tenant's domain.</summary>
public sealed class AccountRecord
{
    public long Id { get; set; }
    public long TenantId { get; set; }
    public string Tenant { get; set; } = "";
    public string Address { get; set; } = "";
    public string? PasswordHash { get; set; }
    public string State { get; set; } = "active";
    public string? StateReason { get; set; }
    public DateTimeOffset? ThrottledUntil { get; set; }
    public bool CredentialResetRequired { get; set; }
    public int? LimitMessagesPerMinute { get; set; }
    public int? LimitMessagesPerHour { get; set; }
    public int? LimitRecipientsPerMinute { get; set; }
    public int? LimitRecipientsPerHour { get; set; }
    public int? LimitRecipientsPerDay { get; set; }

    /// <summary>The provider's known usual volume in messages per hour, from an import; null when unknown.</summary>
    public double? UsualMessagesPerHour { get; set; }

    /// <summary>The usual recipients per hour learned from the provider's logs (<c>accounts learn</c>), or null.</summary>
    public double? UsualRecipientsPerHour { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public AccountState StateValue => AccountStates.Parse(State);

    /// <summary>The limits in force: the account's own where set, else the given defaults.</summary>
    public AccountLimits EffectiveLimits(AccountLimits defaults) => new(
        LimitMessagesPerMinute ?? defaults.MessagesPerMinute,
        LimitMessagesPerHour ?? defaults.MessagesPerHour,
        LimitRecipientsPerMinute ?? defaults.RecipientsPerMinute,
        LimitRecipientsPerHour ?? defaults.RecipientsPerHour,
        LimitRecipientsPerDay ?? defaults.RecipientsPerDay);
}
