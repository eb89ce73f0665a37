using System.Text;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

public class StartTlsAndAuthTests
{
    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<RawSmtpClient> ConnectSecureAsync(SmtpTestServer server)
    {
        var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync();
        await client.CommandAsync("EHLO client.example");
        return client;
    }

    [Fact]
    public async Task Commands_pipelined_after_STARTTLS_are_discarded_not_executed()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.SendAsync("STARTTLS\r\nRSET\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS\r\n", await client.ReadReplyAsync());
        await client.StartTlsAsync();

        // The injected RSET is not answered inside TLS; the first reply is to our own NOOP.
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task STARTTLS_resets_the_session_and_asks_for_the_identity_again()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync();
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected EHLO or HELO\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
        Assert.Equal(2, server.Relay.IdentifyCalls);
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("503 5.5.1 TLS already active\r\n", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task AUTH_is_refused_before_TLS()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("503 5.5.1 AUTH not available on this connection; use STARTTLS first\r\n", await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse")));
    }

    [Fact]
    public async Task AUTH_PLAIN_with_initial_response_authenticates_and_allows_MAIL()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await ConnectSecureAsync(server);
        Assert.Equal("530 5.7.0 Authentication required\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
        Assert.Equal("235 2.7.0 Authentication successful\r\n", await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse")));
        Assert.Equal("503 5.5.1 Already authenticated\r\n", await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse")));
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
        Assert.DoesNotContain("correct horse", server.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Plain("alice@tenant.example", "correct horse"), server.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains("AUTH PLAIN ***", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUTH_PLAIN_with_an_empty_challenge_works()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await ConnectSecureAsync(server);
        Assert.Equal("334 \r\n", await client.CommandAsync("AUTH PLAIN"));
        Assert.Equal("235 2.7.0 Authentication successful\r\n", await client.CommandAsync(Plain("alice@tenant.example", "correct horse")));
    }

    [Fact]
    public async Task AUTH_LOGIN_prompts_for_user_name_and_password()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await ConnectSecureAsync(server);
        Assert.Equal("334 VXNlcm5hbWU6\r\n", await client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6\r\n", await client.CommandAsync(B64("alice@tenant.example")));
        Assert.Equal("235 2.7.0 Authentication successful\r\n", await client.CommandAsync(B64("correct horse")));
        Assert.DoesNotContain(B64("correct horse"), server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_star_cancels_AUTH_with_501_5_0_0()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ConnectSecureAsync(server);
        await client.CommandAsync("AUTH LOGIN");
        Assert.Equal("501 5.0.0 Authentication cancelled\r\n", await client.CommandAsync("*"));
    }

    [Fact]
    public async Task Bad_base64_and_unknown_mechanisms_are_refused()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ConnectSecureAsync(server);
        Assert.Equal("501 5.5.2 Cannot decode base64 response\r\n", await client.CommandAsync("AUTH PLAIN !!!notbase64"));
        Assert.Equal("504 5.5.4 Unrecognized authentication mechanism\r\n", await client.CommandAsync("AUTH CRAM-MD5"));
    }

    [Fact]
    public async Task Repeated_AUTH_failures_lock_the_client_out_with_454()
    {
        await using var server = await SmtpTestServer.StartAsync(o => { o.Limits.MaxAuthFailures = 3; o.Limits.MaxErrors = 100; });
        await using var client = await ConnectSecureAsync(server);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("535 5.7.8 Authentication credentials invalid\r\n", await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "guess" + i)));
        }

        // Locked out now: even the right password is refused, also on a new connection from the same IP.
        Assert.Equal("454 4.7.0 Too many authentication failures, try again later\r\n", await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse")));
        await using var other = await ConnectSecureAsync(server);
        Assert.Equal("454 4.7.0 Too many authentication failures, try again later\r\n", await other.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse")));
    }

    [Fact]
    public async Task The_AUTH_identity_is_handed_to_the_relay()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await ConnectSecureAsync(server);
        await client.CommandAsync("AUTH PLAIN " + Plain("alice@tenant.example", "correct horse"));
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        await client.SendAsync("x\r\n.\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        var message = await server.Relay.NextMessageAsync();
        Assert.Equal(new SmtpIdentity(SmtpIdentityKind.Authenticated, "tenant.example", "alice@tenant.example"), message.Identity);
    }
}
