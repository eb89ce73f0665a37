using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>The RCPT TO replies of one transaction, collected by <see cref="RelaySmtpClient"/>.</summary>
internal sealed class RelayTransaction(QueuedMessage message)
{
    public QueuedMessage Message { get; } = message;

    public List<(string Recipient, int Code, string Text)> Accepted { get; } = [];

    public List<(string Recipient, int Code, string Text)> Refused { get; } = [];

    public void RecipientAccepted(string recipient, int code, string text) => Accepted.Add((recipient, code, text));

    public void RecipientRefused(string recipient, int code, string text) => Refused.Add((recipient, code, text));
}
