using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Session;

public class GreetingAndCommandTests
{
    [Fact]
    public async Task Greeting_names_the_server()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectRawAsync();
        Assert.Equal("220 mx.test.example ESMTP ready\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task EHLO_lists_every_extension_with_STARTTLS_before_TLS_and_no_AUTH()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();
        Assert.Equal(
            "250-mx.test.example Hello client.example\r\n250-PIPELINING\r\n250-SIZE 36700160\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n" +
            "250-STARTTLS\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250 DSN\r\n",
            await client.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task EHLO_after_STARTTLS_offers_AUTH_and_no_STARTTLS()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("220 2.0.0 Ready to start TLS\r\n", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync();
        var ehlo = await client.CommandAsync("EHLO client.example");
        Assert.Contains("250-AUTH PLAIN LOGIN\r\n", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_certificate_neither_STARTTLS_nor_AUTH_is_offered()
    {
        await using var server = await SmtpTestServer.StartAsync(tls: false);
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();
        var ehlo = await client.CommandAsync("EHLO client.example");
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        Assert.Equal("454 4.7.0 TLS not available\r\n", await client.CommandAsync("STARTTLS"));
    }

    [Fact]
    public async Task AUTH_without_TLS_is_offered_only_when_allowed()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.AllowAuthWithoutTls = true, tls: false);
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();
        Assert.Contains("250-AUTH PLAIN LOGIN\r\n", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HELO_VRFY_HELP_NOOP_RSET_and_QUIT_answer_as_the_RFC_says()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();
        Assert.Equal("250 mx.test.example\r\n", await client.CommandAsync("HELO client.example"));
        Assert.Equal("252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery\r\n", await client.CommandAsync("VRFY bob"));
        Assert.StartsWith("214 2.0.0 ", await client.CommandAsync("HELP"), StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
        Assert.Equal("250 2.0.0 Reset state\r\n", await client.CommandAsync("RSET"));
        Assert.Equal("221 2.0.0 Bye\r\n", await client.CommandAsync("QUIT"));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Unknown_commands_get_500_and_syntax_errors_501()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("500 5.5.2 Command not recognized\r\n", await client.CommandAsync("XYZZY"));
        Assert.StartsWith("501 5.5.4 ", await client.CommandAsync("MAIL TO:<a@b.example>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_order_commands_get_503_naming_the_expected_ones()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectRawAsync();
        await client.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected EHLO or HELO\r\n", await client.CommandAsync("MAIL FROM:<a@tenant.example>"));
        await client.CommandAsync("EHLO client.example");
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected MAIL\r\n", await client.CommandAsync("RCPT TO:<b@example.org>"));
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected MAIL\r\n", await client.CommandAsync("DATA"));
        await client.CommandAsync("MAIL FROM:<a@tenant.example>");
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected RCPT\r\n", await client.CommandAsync("DATA"));
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected RCPT\r\n", await client.CommandAsync("MAIL FROM:<a@tenant.example>"));
    }

    [Fact]
    public async Task Over_long_command_line_gets_500_5_5_2_and_the_session_continues()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.SendAsync("NOOP " + new string('x', 600) + "\r\n");
        Assert.Equal("500 5.5.2 Line too long\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_command_line_of_exactly_512_octets_is_accepted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP " + new string('x', 505)));
    }

    [Fact]
    public async Task Too_many_errors_close_the_session_with_421()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxErrors = 3);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.StartsWith("500 ", await client.CommandAsync("BAD1"), StringComparison.Ordinal);
        Assert.StartsWith("500 ", await client.CommandAsync("BAD2"), StringComparison.Ordinal);
        await client.SendAsync("BAD3\r\n");
        Assert.Equal("500 5.5.2 Command not recognized\r\n", await client.ReadReplyAsync());
        Assert.Equal("421 4.7.0 Too many errors, closing connection\r\n", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Input_before_the_greeting_is_refused_with_554_and_the_session_closed()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.GreetingDelay = TimeSpan.FromMilliseconds(300));
        await using var client = await server.ConnectRawAsync();
        await client.SendAsync("EHLO spambot.example\r\n");
        Assert.Equal("554 5.5.0 Protocol error: client sent data before the greeting or ahead of a reply\r\n", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Connections_over_the_per_IP_limit_get_421_at_connect()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxConnectionsPerIp = 2);
        await using var first = await server.ConnectRawAsync();
        await using var second = await server.ConnectRawAsync();
        Assert.StartsWith("220 ", await first.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("220 ", await second.ReadReplyAsync(), StringComparison.Ordinal);
        await using var third = await server.ConnectRawAsync();
        Assert.Equal("421 4.7.0 Too many connections, try again later\r\n", await third.ReadReplyAsync());
        Assert.True(await third.IsClosedByServerAsync());
    }

    [Fact]
    public async Task StartTls_mode_refuses_MAIL_before_TLS()
    {
        await using var server = await SmtpTestServer.StartAsync(mode: SmtpListenerMode.StartTls);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first\r\n", await client.CommandAsync("MAIL FROM:<a@tenant.example>"));
    }

    [Fact]
    public async Task Implicit_TLS_listener_greets_inside_TLS()
    {
        await using var server = await SmtpTestServer.StartAsync(mode: SmtpListenerMode.ImplicitTls);
        await using var client = await server.ConnectRawAsync();
        await client.StartTlsAsync();
        Assert.Equal("220 mx.test.example ESMTP ready\r\n", await client.ReadReplyAsync());
        Assert.Contains("250-AUTH PLAIN LOGIN\r\n", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
    }
}
