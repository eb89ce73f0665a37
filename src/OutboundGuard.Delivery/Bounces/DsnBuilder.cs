using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;
using OutboundGuard.Delivery.Content;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Bounces;

/// <summary>
/// Writes delivery status notifications (RFC 3464): multipart/report; report-type=delivery-status with a
/// human-readable part, a message/delivery-status part (one group per failed recipient) and the original
/// (message/rfc822 when the sender asked RET=FULL and it is small enough, its headers as
/// text/rfc822-headers otherwise). The DSN is sent from the null sender &lt;&gt;, so it can never be
/// bounced in turn (RFC 5321 §4.5.5).
/// </summary>
internal sealed partial class DsnBuilder(DeliveryOptions options, TimeProvider time)
{
    /// <summary>Most header octets copied from the original into text/rfc822-headers.</summary>
    private const int MaxHeaderOctets = 256 * 1024;

    [GeneratedRegex(@"\b([245])\.(\d{1,3})\.(\d{1,3})\b", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedStatus();

    /// <summary>
    /// Writes the DSN for <paramref name="failed"/> into a new spool file beside the original's, fsynced,
    /// and returns the row to queue for it.
    /// </summary>
    /// <param name="original">The message that failed.</param>
    /// <param name="failed">The recipients to report.</param>
    /// <param name="remoteMta">The smarthost that gave the replies, or null.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<NewQueuedMessage> WriteAsync(QueuedMessage original, IReadOnlyList<FailedRecipient> failed, string? remoteMta, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var dsn = await BuildAsync(id, original, failed, remoteMta, cancellationToken).ConfigureAwait(false);
        var directory = Path.GetDirectoryName(original.SpoolPath) ?? Path.GetTempPath();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{id:D}.dsn.eml");
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        long size;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await dsn.WriteToAsync(format, file, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            size = file.Length;
        }

        return new NewQueuedMessage
        {
            Id = id,
            AccountId = null,
            EnvelopeFrom = "",
            Recipients = [original.EnvelopeFrom],
            SpoolPath = path,
            SizeOctets = size,
            Subject = dsn.Subject,
            HeaderFrom = options.EffectiveBounceSender,
            Route = "default",
            SessionId = "dsn",
            BounceOf = original.Id,
        };
    }

    /// <summary>Builds the DSN message (exposed for tests).</summary>
    public async Task<MimeMessage> BuildAsync(Guid id, QueuedMessage original, IReadOnlyList<FailedRecipient> failed, string? remoteMta, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", options.EffectiveBounceSender));
        message.To.Add(new MailboxAddress("", original.EnvelopeFrom));
        message.Subject = failed.All(f => f.Expired) ? "Undelivered Mail Returned to Sender (delivery time expired)" : "Undelivered Mail Returned to Sender";
        message.Date = now;
        message.MessageId = $"{id:N}@{options.ServerName}";

        // RFC 3834 §5: an automatic reply, so auto-responders do not answer it.
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = HumanText(original, failed) },
            StatusPart(original, failed, remoteMta, now),
        };

        var original822 = await OriginalPartAsync(original, cancellationToken).ConfigureAwait(false);
        if (original822 is not null)
        {
            report.Add(original822);
        }

        message.Body = report;
        return message;
    }

    private string HumanText(QueuedMessage original, IReadOnlyList<FailedRecipient> failed)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"This is the mail system at {options.ServerName}.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Your message{(original.Subject is { Length: > 0 } s ? $" \"{s}\"" : "")}, received {original.ReceivedAt:yyyy-MM-dd HH:mm} UTC, could not be delivered to the following recipient(s):\n\n");
        foreach (var recipient in failed)
        {
            text.Append(CultureInfo.InvariantCulture, $"<{recipient.Address}>: ");
            text.Append(recipient.Expired
                ? $"delivery time expired after {options.MaxQueueLifetime.TotalHours:0.#} hours; last problem: {Reply(recipient)}\n"
                : $"refused by the receiving server: {Reply(recipient)}\n");
        }

        text.Append("\nThe technical report and the message headers are attached.\n");
        return text.ToString();
    }

    private MessageDeliveryStatus StatusPart(QueuedMessage original, IReadOnlyList<FailedRecipient> failed, string? remoteMta, DateTimeOffset now)
    {
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList();
        if (!string.IsNullOrEmpty(original.DsnEnvid))
        {
            perMessage.Add("Original-Envelope-Id", original.DsnEnvid);
        }

        perMessage.Add("Reporting-MTA", $"dns; {options.ServerName}");
        perMessage.Add("Arrival-Date", DateUtils.FormatDate(new DateTimeOffset(DateTime.SpecifyKind(original.ReceivedAt, DateTimeKind.Utc))));
        status.StatusGroups.Add(perMessage);

        foreach (var recipient in failed)
        {
            var group = new HeaderList
            {
                { "Final-Recipient", $"rfc822; {recipient.Address}" },
                { "Action", "failed" },
                { "Status", StatusCode(recipient) },
            };
            if (remoteMta is not null && recipient.Code is not null)
            {
                group.Add("Remote-MTA", $"dns; {remoteMta}");
            }

            group.Add("Diagnostic-Code", recipient.Code is { } code ? $"smtp; {code} {WithoutCommand(recipient.Reply)}" : $"x-outboundguard; {Clean(recipient.Reply)}");
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(now));
            status.StatusGroups.Add(group);
        }

        return status;
    }

    /// <summary>The RFC 3463 status: the enhanced code of the reply when it has one, else one from the reply class.</summary>
    internal static string StatusCode(FailedRecipient recipient)
    {
        if (recipient.Expired)
        {
            return "4.4.7";
        }

        var match = EnhancedStatus().Match(recipient.Reply);
        if (match.Success)
        {
            return match.Value;
        }

        return recipient.Code is >= 500 or null ? "5.0.0" : "4.0.0";
    }

    private static string Reply(FailedRecipient recipient) => recipient.Code is { } code ? $"{code} {Clean(recipient.Reply)}" : Clean(recipient.Reply);

    private static string Clean(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>The reply text without the command it answered ("RCPT TO: "), which the attempt rows carry but an RFC 3464 Diagnostic-Code does not.</summary>
    private static string WithoutCommand(string text)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["RCPT TO: ", "MAIL FROM: ", "DATA: "])
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Clean(text[prefix.Length..]);
            }
        }

        return Clean(text);
    }

    private async Task<MimeEntity?> OriginalPartAsync(QueuedMessage original, CancellationToken cancellationToken)
    {
        if (!File.Exists(original.SpoolPath))
        {
            return null;
        }

        var full = string.Equals(original.DsnRet, "FULL", StringComparison.OrdinalIgnoreCase) && original.SizeOctets <= options.BounceMaxOriginalSize;
        await using var content = new LineEndingNormalizingStream(File.OpenRead(original.SpoolPath));
        if (full)
        {
            var parsed = await MimeMessage.LoadAsync(content, cancellationToken).ConfigureAwait(false);
            return new MessagePart("rfc822") { Message = parsed };
        }

        var headers = await ReadHeaderBlockAsync(content, cancellationToken).ConfigureAwait(false);
        using var headerStream = new MemoryStream(headers);
        var headersOnly = await MimeMessage.LoadAsync(headerStream, cancellationToken).ConfigureAwait(false);
        return new TextRfc822Headers { Message = headersOnly };
    }

    /// <summary>The header block of the original, up to and including the empty line (or <see cref="MaxHeaderOctets"/>).</summary>
    private static async Task<byte[]> ReadHeaderBlockAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while (buffer.Length < MaxHeaderOctets && (read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var end = bytes.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return bytes[..(end + 2)].ToArray();
            }
        }

        return buffer.ToArray()[..(int)Math.Min(buffer.Length, MaxHeaderOctets)];
    }
}
