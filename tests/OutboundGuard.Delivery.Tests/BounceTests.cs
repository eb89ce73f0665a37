using MimeKit;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class BounceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_5xx_queues_an_RFC_3464_DSN_to_the_sender_that_is_delivered_from_the_null_sender()
    {
        await using var server = new ScriptedSmtpServer { OnRcpt = to => to == "gone@example.org" ? "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown" : "250 2.1.5 Ok" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["gone@example.org"], TestMessages.Simple("alice@tenant.test", "gone@example.org", "Quarterly numbers"));

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State is "bounced" or "delivered"), what: "bounce delivered");
        var rows = await harness.RowsAsync();
        Assert.Equal("bounced", rows.Single(r => r.Id == id).State);
        var bounceRow = rows.Single(r => r.Id != id);
        Assert.Equal(("", "default", (long?)null, (Guid?)id), (bounceRow.EnvelopeFrom, bounceRow.Route, bounceRow.AccountId, bounceRow.BounceOf));
        Assert.Equal(["alice@tenant.test"], bounceRow.Recipients);

        var delivered = Assert.Single(server.Received, m => m.MailFrom == "");
        Assert.Equal(["alice@tenant.test"], delivered.Recipients);
        var dsn = MimeMessage.Load(new MemoryStream(delivered.Data));
        Assert.Equal("MAILER-DAEMON@relay.test", dsn.From.Mailboxes.Single().Address);
        Assert.Equal("alice@tenant.test", dsn.To.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        var human = Assert.IsType<TextPart>(report[0]);
        Assert.Contains("<gone@example.org>: refused by the receiving server: 550", human.Text, StringComparison.Ordinal);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        Assert.Equal("dns; relay.test", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.NotNull(status.StatusGroups[0]["Arrival-Date"]);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; gone@example.org", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Equal("dns; 127.0.0.1", recipient["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown", recipient["Diagnostic-Code"]);
        var headers = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal("Quarterly numbers", headers.Message!.Subject);
    }

    [Fact]
    public async Task With_RET_FULL_the_DSN_carries_the_whole_original()
    {
        await using var server = new ScriptedSmtpServer { OnMail = from => from.Length == 0 ? "250 2.1.0 Ok" : "550 5.7.1 Sender blocked" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        await harness.SpoolAsync("alice@tenant.test", ["bob@example.org", "carol@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "full return", "The body to return.\r\n"), dsnRet: "FULL");

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State is "bounced" or "delivered"), what: "bounce delivered");
        var dsn = MimeMessage.Load(new MemoryStream(Assert.Single(server.Received).Data));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        var recipients = status.StatusGroups.Where(g => g.Contains("Final-Recipient")).ToList();
        Assert.Equal(["rfc822; bob@example.org", "rfc822; carol@example.org"], recipients.Select(g => g["Final-Recipient"]));
        Assert.All(recipients, g => Assert.Equal(("5.7.1", "smtp; 550 5.7.1 Sender blocked"), (g["Status"], g["Diagnostic-Code"])));
        var original = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("full return", original.Message!.Subject);
        Assert.Contains("The body to return.", original.Message!.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_past_its_queue_lifetime_is_bounced_with_status_4_4_7()
    {
        var port = FreePort.Next();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(port);
            o.MaxQueueLifetime = TimeSpan.FromMinutes(10);
        });
        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "too old"), age: TimeSpan.FromMinutes(11));
        var fresh = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "fresh"));
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Count == 3 && rows.Single(r => r.Id == id).State == "bounced", what: "the expired message bounced");
        var rows = await harness.RowsAsync();
        Assert.Contains(rows.Single(r => r.Id == fresh).State, new[] { "deferred", "delivering" });
        var bounceRow = rows.Single(r => r.BounceOf == id);
        var dsn = MimeMessage.Load(bounceRow.SpoolPath);
        var status = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(dsn.Body)[1]);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; bob@example.org", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("4.4.7", recipient["Status"]);
        Assert.StartsWith("x-outboundguard; connecting: ", recipient["Diagnostic-Code"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bounce_is_never_bounced()
    {
        await using var server = new ScriptedSmtpServer { OnRcpt = _ => "550 5.1.1 User unknown" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        var id = await harness.SpoolAsync("", ["alice@tenant.test"], TestMessages.Simple("MAILER-DAEMON@elsewhere.test", "alice@tenant.test", "a bounce"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "failed", what: "the null-sender message failed");
        Assert.Single(await harness.RowsAsync());
        Assert.Equal(["alice@tenant.test"], (await harness.RowAsync(id)).Failed);
    }

    [Fact]
    public async Task NOTIFY_NEVER_suppresses_the_DSN()
    {
        await using var server = new ScriptedSmtpServer { OnRcpt = _ => "550 5.1.1 User unknown" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "quiet"), notify: ["NEVER"]);

        await harness.WaitUntilAsync(rows => rows.Single().State == "bounced", what: "the message bounced");
        Assert.Single(await harness.RowsAsync());
    }

    [Fact]
    public async Task An_internationalized_recipient_for_a_smarthost_without_SMTPUTF8_is_bounced_with_5_6_7()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port, maxConnections: 1));
        await harness.StartAsync();

        var utf8 = await harness.SpoolAsync("alice@tenant.test", ["jörg@exämple.org", "bob@exämple.org"], TestMessages.Simple("alice@tenant.test", "jörg@exämple.org", "umlaut"));
        await harness.SpoolAsync("alice@tenant.test", ["carol@example.org"], TestMessages.Simple("alice@tenant.test", "carol@example.org", "plain"));

        await harness.WaitUntilAsync(rows => rows.Count == 3 && rows.All(r => r.State is "bounced" or "delivered"), what: "the bounce delivered");
        Assert.Equal("bounced", (await harness.RowAsync(utf8)).State);
        Assert.Equal(["jörg@exämple.org"], (await harness.RowAsync(utf8)).Failed);
        Assert.Contains(server.Received, m => m.Recipients.SequenceEqual(["bob@xn--exmple-cua.org"]));
        Assert.Contains(server.Received, m => m.Recipients.SequenceEqual(["carol@example.org"]));
        var dsn = MimeMessage.Load(new MemoryStream(Assert.Single(server.Received, m => m.MailFrom == "").Data));
        var status = Assert.IsType<MessageDeliveryStatus>(Assert.IsType<MultipartReport>(dsn.Body)[1]);
        Assert.Equal(("rfc822; jörg@exämple.org", "5.6.7"), (status.StatusGroups[1]["Final-Recipient"], status.StatusGroups[1]["Status"]));
    }
}
