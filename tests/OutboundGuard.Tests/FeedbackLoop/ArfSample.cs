using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace OutboundGuard.Tests.FeedbackLoop;

/// <summary>
/// Builds ARF reports (RFC 5965 §2) as a mailbox provider's feedback loop sends them — a human-readable part, the
/// message/feedback-report fields and the reported message — and DKIM-signs them (RFC 6376) with a key of its own.
/// </summary>
internal sealed class ArfSample
{
    private readonly RSA _key = RSA.Create(2048);

    public ArfSample(string domain, string selector)
    {
        Domain = domain;
        Selector = selector;
    }

    public string Domain { get; }

    public string Selector { get; }

    /// <summary>The DKIM key record the provider publishes, e.g. "v=DKIM1; k=rsa; p=…".</summary>
    public string KeyRecord => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    /// <summary>A report about <paramref name="reportedMessage"/> (the message as the provider received it), signed unless <paramref name="sign"/> is false.</summary>
    public MimeMessage Report(string reportedMessage, string feedbackType = "abuse", bool sign = true, bool headersOnly = false)
    {
        var reported = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(reportedMessage)));
        var report = new MimeMessage();
        report.From.Add(new MailboxAddress("Feedback Loop", "fbl@" + Domain));
        report.To.Add(MailboxAddress.Parse("fbl@relay.test"));
        report.Subject = "FW: " + reported.Subject;
        report.Date = DateTimeOffset.UtcNow;
        report.MessageId = MimeUtils.GenerateMessageId(Domain);
        var body = new MultipartReport("feedback-report")
        {
            new TextPart("plain") { Text = "This is an email abuse report for an email message received from IP 192.0.2.25.\r\nA recipient marked it as spam.\r\n" },
        };
        var fields = new MessageFeedbackReport();
        fields.Fields.Add("Feedback-Type", feedbackType);
        fields.Fields.Add("User-Agent", "ExampleProvider-FBL/1.0");
        fields.Fields.Add("Version", "1");
        fields.Fields.Add("Original-Mail-From", "<" + reported.From.Mailboxes.First().Address + ">");
        fields.Fields.Add("Arrival-Date", DateUtils.FormatDate(DateTimeOffset.UtcNow.AddMinutes(-5)));
        fields.Fields.Add("Source-IP", "192.0.2.25");
        body.Add(fields);
        if (headersOnly)
        {
            var headers = new TextRfc822Headers { Message = new MimeMessage(reported.Headers) };
            body.Add(headers);
        }
        else
        {
            body.Add(new MessagePart("rfc822") { Message = reported });
        }

        report.Body = body;
        if (sign)
        {
            Sign(report);
        }

        return report;
    }

    /// <summary>Signs with this provider's key (relaxed/relaxed, so transport over SMTP keeps it valid).</summary>
    public void Sign(MimeMessage report)
    {
        report.Prepare(EncodingConstraint.SevenBit);
        using var pem = new MemoryStream(Encoding.ASCII.GetBytes(_key.ExportRSAPrivateKeyPem()));
        var signer = new DkimSigner(pem, Domain, Selector)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(report, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
    }

    /// <summary>The report's bytes as sent.</summary>
    public static byte[] Bytes(MimeMessage report)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        report.WriteTo(options, stream);
        return stream.ToArray();
    }
}
