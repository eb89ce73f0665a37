using System.Net;
using System.Text;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Benchmarks;

/// <summary>Typical outbound messages for the benchmarks: a plain reply with a few links and an HTML newsletter.</summary>
public static class Messages
{
    public static readonly ParserOptions Parsing = new() { MaxMimeDepth = 32, AllowAddressesWithoutDomain = true, RespectContentLength = false };

    /// <summary>A multipart/alternative message of about <paramref name="size"/> octets with a link in one line of eight, in text and HTML.</summary>
    public static byte[] Typical(int size)
    {
        var text = new StringBuilder();
        var html = new StringBuilder("<html><body>");
        var i = 0;
        while (text.Length + html.Length < size - 600)
        {
            // One line in eight carries a link, as in ordinary business mail.
            if (i++ % 8 == 0)
            {
                text.Append("The draft is at https://docs.example.com/q3/report-").Append(i).Append(" for review.\r\n");
                html.Append("<p>The draft is in <a href=\"https://docs.example.com/q3/report-").Append(i).Append("\">the report</a>.</p>\r\n");
            }
            else
            {
                text.Append("Hi team, the quarterly figures are attached; totals moved by a few percent since last week.\r\n");
                html.Append("<p>Hi team, the quarterly figures are attached; totals moved by a few percent since last week.</p>\r\n");
            }
        }

        html.Append("</body></html>");
        var message = "From: Alice <alice@tenant.example>\r\nTo: bob@example.org\r\nSubject: Quarterly figures\r\n"
            + "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\nMessage-ID: <bench@tenant.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
            + "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b1--\r\n";
        return Encoding.UTF8.GetBytes(message);
    }

    public static MimeMessage Parse(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return MimeMessage.Load(Parsing, stream);
    }

    public static MessageUnderReview Review(MimeMessage? content, long accountId, long size) => new()
    {
        MessageId = "bench",
        Account = new AccountProfile
        {
            Id = accountId, Address = "alice@tenant.example", Tenant = "tenant.example",
            Limits = new AccountLimits(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000),
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-365),
        },
        EnvelopeSender = "alice@tenant.example",
        Recipients = ["bob@example.org"],
        ClientAddress = IPAddress.Parse("192.0.2.10"),
        SessionId = "bench",
        Content = content,
        SizeOctets = size,
    };
}
