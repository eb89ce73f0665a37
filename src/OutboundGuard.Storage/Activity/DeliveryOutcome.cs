namespace OutboundGuard.Storage.Activity;

/// <summary>One downstream reply about one of the account's messages.</summary>
public sealed class DeliveryOutcome
{
    public Guid MessageId { get; set; }
    public string? Recipient { get; set; }
    public string Outcome { get; set; } = "";
    public int? ReplyCode { get; set; }
    public string? ReplyText { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
}
