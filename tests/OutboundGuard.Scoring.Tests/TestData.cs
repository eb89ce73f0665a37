using System.Net;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Tests;

internal static class TestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static AccountProfile Account(long id = 1, string tenant = "tenant.example", int ageDays = 365, AccountLimits? limits = null) => new()
    {
        Id = id,
        Address = $"user{id}@{tenant}",
        Tenant = tenant,
        CreatedAt = Start.AddDays(-ageDays),
        Limits = limits ?? AccountLimits.Default,
    };

    public static MessageUnderReview Message(AccountProfile account, IReadOnlyList<string>? recipients = null, MimeMessage? content = null, string ip = "192.0.2.10", string session = "s1", string? id = null) => new()
    {
        MessageId = id ?? Guid.NewGuid().ToString("N"),
        Account = account,
        EnvelopeSender = account.Address,
        Recipients = recipients ?? ["friend@partner.example"],
        ClientAddress = IPAddress.Parse(ip),
        SessionId = session,
        Content = content,
    };

    public static MimeMessage Mail(string from, string subject, string? text = null, string? html = null, string? replyTo = null)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse("someone@partner.example"));
        if (replyTo is not null)
        {
            m.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        m.Subject = subject;
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        m.Body = body.ToMessageBody();
        return m;
    }
}
