namespace OutboundGuard.Storage.Accounts;

/// <summary>New per-account limits; a null field clears that limit back to the default.</summary>
public sealed record AccountLimitsUpdate(
    int? MessagesPerMinute,
    int? MessagesPerHour,
    int? RecipientsPerMinute,
    int? RecipientsPerHour,
    int? RecipientsPerDay);
