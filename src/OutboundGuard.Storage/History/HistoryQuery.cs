namespace OutboundGuard.Storage.History;

/// <summary>
/// What ops search the message history by; every field is optional and they combine with AND. Text fields
/// match case-insensitively: account, sender and recipient exactly (or a whole domain given as "@domain"),
/// subject as a substring.
/// </summary>
public sealed record HistoryQuery
{
    public string? Account { get; init; }
    public string? Tenant { get; init; }
    public string? Sender { get; init; }
    public string? Recipient { get; init; }
    public string? Subject { get; init; }
    public string? Fingerprint { get; init; }

    /// <summary>Message state: queued, delivered, quarantined, bounced, …</summary>
    public string? State { get; init; }

    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Limit { get; init; } = 200;
}
