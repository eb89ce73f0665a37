using MailKit.Net.Smtp;
using MimeKit;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>A customer's real Postfix with <c>relayhost</c> pointing at the relay, SASL over required TLS.</summary>
public sealed class PostfixRelayhostTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task A_real_postfix_relays_through_the_server_with_sasl_over_tls()
    {
        var address = $"mta{Guid.NewGuid():N}"[..11] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        await using var postfix = await PostfixInstance.StartAsync(relay.SmtpPort, address, password);
        var subject = "Through Postfix " + Guid.NewGuid().ToString("N")[..8];

        // An application submits to its local Postfix, which relays onward through OutboundGuard.
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", postfix.Port, MailKit.Security.SecureSocketOptions.None);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(address));
            message.To.Add(MailboxAddress.Parse("partner@example.org"));
            message.Subject = subject;
            message.Body = new TextPart("plain") { Text = "Sent by an application through its local Postfix.\r\n" };
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        var delivered = await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(60));
        var log = await postfix.ReadLogAsync();
        Assert.True(delivered is not null, "not delivered; postfix log:\n" + log);
        Assert.Contains($"relay=127.0.0.1[127.0.0.1]:{relay.SmtpPort}", log, StringComparison.Ordinal);
        Assert.Contains("status=sent (250 2.0.0 Queued as", log, StringComparison.Ordinal);
        Assert.Contains("by customer-mta.test", delivered, StringComparison.Ordinal);
        Assert.Contains("with ESMTPSA", delivered, StringComparison.Ordinal);
    }
}
