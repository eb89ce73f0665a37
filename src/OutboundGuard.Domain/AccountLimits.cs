namespace OutboundGuard.Domain;

/// <summary>
/// Sending limits of one account. Defaults suit an ordinary mailbox; a newsletter or application
/// account gets its own limits from ops. Each null limit falls back to the tenant's and then the
/// global default.
/// </summary>
/// <param name="MessagesPerMinute">Messages per sliding minute before the account is throttled. Default 30.</param>
/// <param name="MessagesPerHour">Messages per sliding hour. Default 300.</param>
/// <param name="RecipientsPerMinute">Recipients per sliding minute. Default 100.</param>
/// <param name="RecipientsPerHour">Recipients per sliding hour. Default 1000.</param>
/// <param name="RecipientsPerDay">Recipients per day (like Exchange Online's 10,000). Default 10000.</param>
public sealed record AccountLimits(
    int MessagesPerMinute = 30,
    int MessagesPerHour = 300,
    int RecipientsPerMinute = 100,
    int RecipientsPerHour = 1000,
    int RecipientsPerDay = 10000)
{
    /// <summary>The global defaults.</summary>
    public static AccountLimits Default { get; } = new();
}
