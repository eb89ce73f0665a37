using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Conformance;

public class MailKitConformanceTests
{
    private static MimeMessage NewMessage(string from = "alice@tenant.example", string to = "bob@example.org", string body = "Hello Bob")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Test";
        message.MessageId = "test-" + Guid.NewGuid().ToString("N") + "@tenant.example";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private static async Task<SmtpClient> ConnectAsync(SmtpTestServer server, SecureSocketOptions security = SecureSocketOptions.StartTls, SmtpClient? client = null)
    {
        client ??= new SmtpClient();
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        client.Timeout = 10_000;
        await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, security);
        return client;
    }

    [Fact]
    public async Task STARTTLS_and_AUTH_PLAIN_then_send()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        using var client = await ConnectAsync(server);
        Assert.True(client.IsSecure);
        client.AuthenticationMechanisms.Remove("LOGIN");
        await client.AuthenticateAsync("alice@tenant.example", "correct horse");
        await client.SendAsync(NewMessage());
        await client.DisconnectAsync(true);
        var received = await server.Relay.NextMessageAsync();
        Assert.Equal("alice@tenant.example", received.Identity?.Account);
        Assert.Contains("Hello Bob", Encoding.UTF8.GetString(received.Content), StringComparison.Ordinal);
        Assert.Contains("AUTH PLAIN ***", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task STARTTLS_and_AUTH_LOGIN_then_send()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        using var client = await ConnectAsync(server);
        client.AuthenticationMechanisms.Remove("PLAIN");
        await client.AuthenticateAsync("alice@tenant.example", "correct horse");
        await client.SendAsync(NewMessage());
        await client.DisconnectAsync(true);
        Assert.Equal("alice@tenant.example", (await server.Relay.NextMessageAsync()).Identity?.Account);
        Assert.Contains("AUTH LOGIN", server.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_an_authentication_exception()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice@tenant.example", "wrong"));
    }

    [Fact]
    public async Task Capabilities_include_every_advertised_extension()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        var expected = SmtpCapabilities.Pipelining | SmtpCapabilities.Size | SmtpCapabilities.EightBitMime | SmtpCapabilities.EnhancedStatusCodes
            | SmtpCapabilities.Authentication | SmtpCapabilities.UTF8 | SmtpCapabilities.Chunking | SmtpCapabilities.BinaryMime | SmtpCapabilities.Dsn;
        Assert.Equal(expected, client.Capabilities & expected);
        Assert.Equal(35u * 1024 * 1024, client.MaxSize);
    }

    [Fact]
    public async Task Eight_bit_content_is_sent_with_BODY_8BITMIME_and_arrives_intact()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        var message = NewMessage();
        message.Body = new TextPart("plain") { Text = "Grüße aus Köln", ContentTransferEncoding = ContentEncoding.EightBit };
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
        var received = await server.Relay.NextMessageAsync();
        Assert.Contains("Grüße aus Köln", Encoding.UTF8.GetString(received.Content), StringComparison.Ordinal);
        Assert.Equal("8BITMIME", received.Envelope.Body);
        Assert.NotNull(received.Envelope.DeclaredSize);
    }

    [Fact]
    public async Task Binary_content_is_sent_with_BDAT_and_BODY_BINARYMIME_because_CHUNKING_is_offered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        var message = NewMessage();
        var payload = new byte[] { 0, 1, 2, 13, 10, 46, 13, 10, 255, 254 };
        message.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(payload)),
            ContentTransferEncoding = ContentEncoding.Binary,
        };
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
        var received = await server.Relay.NextMessageAsync();
        Assert.Contains("C: BDAT", server.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal("BINARYMIME", received.Envelope.Body);
        var content = received.Content;
        Assert.True(content.AsSpan().IndexOf(payload) >= 0, "the binary payload arrives unchanged");
    }

    [Fact]
    public async Task SMTPUTF8_addresses_reach_the_envelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        await client.SendAsync(NewMessage(to: "jörg@bücher.example"));
        await client.DisconnectAsync(true);
        var received = await server.Relay.NextMessageAsync();
        Assert.True(received.Envelope.SmtpUtf8);
        Assert.Equal("jörg@bücher.example", received.Envelope.Recipients.Single().Address);
    }

    [Fact]
    public async Task DSN_parameters_reach_the_envelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server, client: new DsnSmtpClient());
        var message = NewMessage();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
        var received = await server.Relay.NextMessageAsync();
        Assert.Equal("HDRS", received.Envelope.DsnReturn);
        Assert.Equal(message.MessageId, received.Envelope.DsnEnvelopeId);
        var recipient = received.Envelope.Recipients.Single();
        Assert.Equal("SUCCESS,FAILURE", recipient.Notify);
        Assert.Equal("rfc822;bob@example.org", recipient.OriginalRecipient);
    }

    [Fact]
    public async Task Refused_recipients_surface_as_command_exceptions_and_the_session_stays_usable()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        var exception = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(NewMessage(to: "unknown@example.org")));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, exception.ErrorCode);
        await client.SendAsync(NewMessage());
        Assert.Equal("bob@example.org", (await server.Relay.NextMessageAsync()).Envelope.Recipients.Single().Address);
    }

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_by_the_client_or_the_server()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxMessageSize = 200);
        using var client = await ConnectAsync(server);
        var message = NewMessage(body: new string('x', 1000));
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(message));
        Assert.True(exception is SmtpCommandException { StatusCode: SmtpStatusCode.ExceededStorageAllocation } or SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted }, exception.ToString());
        Assert.False(server.Relay.HasMessage);
    }

    [Fact]
    public async Task Implicit_TLS_on_connect_works_with_MailKit()
    {
        await using var server = await SmtpTestServer.StartAsync(mode: Hosting.SmtpListenerMode.ImplicitTls);
        using var client = await ConnectAsync(server, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync("alice@tenant.example", "correct horse");
        await client.SendAsync(NewMessage());
        Assert.Equal("alice@tenant.example", (await server.Relay.NextMessageAsync()).Identity?.Account);
    }

    [Fact]
    public async Task Many_messages_on_one_connection_with_pipelining()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var client = await ConnectAsync(server);
        for (var i = 0; i < 20; i++)
        {
            var message = NewMessage();
            message.To.Add(MailboxAddress.Parse($"r{i}@example.org"));
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(true);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(2, (await server.Relay.NextMessageAsync()).Envelope.Recipients.Count);
        }
    }

    private sealed class DsnSmtpClient : SmtpClient
    {
        public DsnSmtpClient() => DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly;

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
            => DeliveryStatusNotification.Success | DeliveryStatusNotification.Failure;

        protected override string GetEnvelopeId(MimeMessage message) => message.MessageId ?? string.Empty;
    }
}
