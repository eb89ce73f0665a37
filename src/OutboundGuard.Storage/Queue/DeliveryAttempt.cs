namespace OutboundGuard.Storage.Queue;

/// <summary>One downstream reply (a <c>delivery_attempts</c> row).</summary>
/// <param name="Recipient">The recipient the reply was about; null for the whole transaction (connection, MAIL FROM).</param>
/// <param name="Outcome">'accepted', 'deferred' or 'rejected'.</param>
/// <param name="Code">SMTP reply code, or null when there was no reply (connection refused, timeout).</param>
/// <param name="Text">Reply text or the error that replaced it.</param>
public sealed record DeliveryAttempt(string? Recipient, string Outcome, int? Code, string Text)
{
    public const string Accepted = "accepted";
    public const string Deferred = "deferred";
    public const string Rejected = "rejected";
}
