using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// MailKit's client, adjusted for relaying: a refused RCPT TO is recorded for that recipient instead of
/// failing the whole message, DSN parameters of the original transaction are passed on (RFC 3461), and
/// the content is sent as spooled, never re-encoded.
/// </summary>
internal sealed class RelaySmtpClient : SmtpClient
{
    /// <summary>The transaction being sent; set before each Send.</summary>
    public RelayTransaction? Transaction { get; set; }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Transaction?.RecipientAccepted(mailbox.Address, (int)response.StatusCode, response.Response);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Transaction?.RecipientRefused(mailbox.Address, (int)response.StatusCode, response.Response);

    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientsAcceptedException();

    /// <summary>
    /// A relay passes content on as it was received: no re-encoding of 8bit parts (MailKit's default
    /// prepares the message for the server's capabilities, which would change the bytes).
    /// </summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
    }

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        var notify = Transaction?.Message.NotifyFor(mailbox.Address);
        if (string.IsNullOrWhiteSpace(notify))
        {
            return null;
        }

        DeliveryStatusNotification flags = 0;
        foreach (var keyword in notify.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            flags |= keyword.ToUpperInvariant() switch
            {
                "NEVER" => DeliveryStatusNotification.Never,
                "SUCCESS" => DeliveryStatusNotification.Success,
                "FAILURE" => DeliveryStatusNotification.Failure,
                "DELAY" => DeliveryStatusNotification.Delay,
                _ => 0,
            };
        }

        return flags == 0 ? null : flags;
    }

    protected override string? GetEnvelopeId(MimeMessage message) => Transaction?.Message.DsnEnvid;

    /// <summary>Thrown from <see cref="OnNoRecipientsAccepted"/>: every RCPT TO was refused, the outcomes are already recorded.</summary>
    internal sealed class NoRecipientsAcceptedException() : Exception("No recipient was accepted.");
}
