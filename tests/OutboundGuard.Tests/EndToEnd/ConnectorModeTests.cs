using System.Net;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// Connector mode, as Microsoft 365 outbound connectors and appliances use it: a registered client IP
/// relays for all of its tenant's users without AUTH; the account is the envelope sender, created on first sight.
/// </summary>
public sealed class ConnectorModeTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string ConnectorAddress = "127.0.0.77";

    private async Task<SmtpClient> ConnectFromConnectorAsync()
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse(ConnectorAddress), 0),
        };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    private static MimeMessage Message(string from, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("customer@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Your invoice is attached.\r\n" };
        return message;
    }

    [Fact]
    public async Task A_registered_connector_relays_without_auth_and_the_sender_becomes_an_account()
    {
        var tenant = $"conn{Guid.NewGuid():N}"[..12] + ".example";
        var (code, stdout, stderr) = await relay.CliAsync("tenants", "add", tenant, "--connector-ip", $"{ConnectorAddress}/32");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"{ConnectorAddress}/32", stdout, StringComparison.Ordinal);
        var sender = "billing@" + tenant;
        var subject = "Invoice " + Guid.NewGuid().ToString("N")[..8];

        using (var client = await ConnectFromConnectorAsync())
        {
            await client.SendAsync(Message(sender, subject));
            await client.DisconnectAsync(true);
        }

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(30)));
        var show = await relay.CliAsync("accounts", "show", sender, "--json");
        Assert.Equal(0, show.ExitCode);
        using var json = JsonDocument.Parse(show.StdOut);
        Assert.Equal(tenant, json.RootElement.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_connector_may_not_send_as_another_tenant()
    {
        var tenant = $"own{Guid.NewGuid():N}"[..11] + ".example";
        await relay.CliAsync("tenants", "add", tenant, "--connector-ip", $"{ConnectorAddress}/32");
        using var client = await ConnectFromConnectorAsync();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("ceo@someone-else.example", "spoof")));

        Assert.Equal(550, (int)error.StatusCode);
        Assert.Contains("may only send as addresses within it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_address_cannot_relay_without_auth()
    {
        using var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.78"), 0),
        };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);

        var error = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Message("someone@tenant.example", "no connector")));

        Assert.StartsWith("5.7.0", error.Message, StringComparison.Ordinal);
    }
}
