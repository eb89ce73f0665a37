using System.Text;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

public class DataTests
{
    private static async Task StartTransactionAsync(RawSmtpClient client, string mailParameters = "")
    {
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>" + mailParameters));
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.CommandAsync("RCPT TO:<bob@example.org>"));
    }

    [Fact]
    public async Task A_message_is_dot_unstuffed_and_handed_over_with_its_envelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client, " SIZE=100 BODY=8BITMIME");
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>\r\n", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        var message = await server.Relay.NextMessageAsync();
        Assert.Equal("Subject: hi\r\n\r\n.leading dot\r\nbody\r\n", Encoding.ASCII.GetString(message.Content));
        Assert.Equal("alice@tenant.example", message.Envelope.ReversePath);
        Assert.Equal(100, message.Envelope.DeclaredSize);
        Assert.Equal("8BITMIME", message.Envelope.Body);
        Assert.Equal(["bob@example.org"], message.Envelope.Recipients.Select(r => r.Address));
    }

    public static TheoryData<string> SmugglingSequences => new()
    {
        "\n.\n", "\n.\r", "\r.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n\x00.\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n",
    };

    [Theory]
    [MemberData(nameof(SmugglingSequences))]
    public async Task Smuggling_sequence_does_not_end_data_and_the_message_is_refused(string sequence)
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: x\r\n\r\nfirst" + sequence + "MAIL FROM:<evil@tenant.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n");

        // Nothing smuggled was executed: the server is still reading content and answers nothing.
        Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(300)));
        await client.SendAsync("\r\n.\r\n");
        var reply = await client.ReadReplyAsync();
        Assert.Matches("^550 5\\.6\\.(11|0) ", reply);
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
        Assert.False(server.Relay.HasMessage);
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task Smuggling_sequence_sent_one_byte_per_packet_does_not_end_data()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        foreach (var b in Encoding.ASCII.GetBytes("a\n.\nb\r.\r\nc"))
        {
            await client.SendAsync([b]);
        }

        Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(200)));
        foreach (var b in "\r\n.\r\n"u8.ToArray())
        {
            await client.SendAsync([b]);
        }

        Assert.Equal("550 5.6.11 Bare CR or LF in message; use CRLF line endings\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Bare_LF_in_content_gets_550_5_6_11_after_the_end_of_data()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: x\n\nbody\r\n.\r\n");
        Assert.Equal("550 5.6.11 Bare CR or LF in message; use CRLF line endings\r\n", await client.ReadReplyAsync());
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task NUL_in_content_gets_550_5_6_0()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: x\r\n\r\nnul\0here\r\n.\r\n");
        Assert.Equal("550 5.6.0 NUL octet in message content; encode binary content\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Text_line_over_1000_octets_gets_500_5_5_2()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: x\r\n\r\n" + new string('a', 1001) + "\r\n.\r\n");
        Assert.Equal("500 5.5.2 Message text line longer than allowed; wrap lines or use an encoding\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Declared_SIZE_over_the_limit_gets_552_at_MAIL()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxMessageSize = 1000);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example> SIZE=1001"));
    }

    [Fact]
    public async Task Undeclared_oversize_message_is_read_to_the_end_and_refused_with_552()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxMessageSize = 1000);
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        var body = string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 100));
        await client.SendAsync("Subject: big\r\n\r\n" + body + ".\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
        Assert.False(server.Relay.HasMessage);
    }

    [Fact]
    public async Task Too_many_recipients_get_452_4_5_3()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxRecipients = 2);
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        Assert.StartsWith("250 ", await client.CommandAsync("RCPT TO:<a@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await client.CommandAsync("RCPT TO:<b@example.org>"), StringComparison.Ordinal);
        Assert.Equal("452 4.5.3 Too many recipients\r\n", await client.CommandAsync("RCPT TO:<c@example.org>"));
    }

    [Fact]
    public async Task A_refused_recipient_is_not_in_the_envelope()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        Assert.Equal("550 5.1.1 No such user\r\n", await client.CommandAsync("RCPT TO:<unknown@example.org>"));
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected RCPT\r\n", await client.CommandAsync("DATA"));
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        await client.SendAsync("x\r\n.\r\n");
        await client.ReadReplyAsync();
        Assert.Equal(["bob@example.org"], (await server.Relay.NextMessageAsync()).Envelope.Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task MAIL_without_identity_gets_530_when_AUTH_is_possible()
    {
        await using var server = await SmtpTestServer.StartAsync(relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("530 5.7.0 Authentication required\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
    }

    [Fact]
    public async Task MAIL_without_identity_gets_550_5_7_1_when_AUTH_is_not_possible()
    {
        await using var server = await SmtpTestServer.StartAsync(tls: false, relaySetup: r => r.ConnectorIdentity = null);
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("550 5.7.1 Relaying denied: authenticate or connect from a registered connector\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
    }

    [Fact]
    public async Task Pipelined_commands_are_all_answered_in_order()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.SendAsync("MAIL FROM:<alice@tenant.example>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<unknown@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("550 5.1.1 No such user\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.ReadReplyAsync());
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync("x\r\n.\r\nQUIT\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("221 2.0.0 Bye\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Content_pipelined_after_DATA_before_354_is_refused_and_the_session_closed()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.SendAsync("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n");
        Assert.Equal("554 5.5.0 Protocol error: client sent data before the greeting or ahead of a reply\r\n", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
        Assert.False(server.Relay.HasMessage);
    }

    [Fact]
    public async Task Two_messages_in_one_session_are_both_delivered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        for (var i = 0; i < 2; i++)
        {
            await StartTransactionAsync(client);
            await client.CommandAsync("DATA");
            await client.SendAsync($"Subject: {i}\r\n\r\n.\r\n");
            Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
            Assert.Equal($"Subject: {i}\r\n\r\n", Encoding.ASCII.GetString((await server.Relay.NextMessageAsync()).Content));
        }
    }

    [Fact]
    public async Task A_large_message_is_streamed_in_chunks()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        await client.CommandAsync("DATA");
        var line = new string('y', 998) + "\r\n";
        var body = string.Concat(Enumerable.Repeat(line, 1000));
        await client.SendAsync("Subject: big\r\n\r\n" + body + ".\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        var message = await server.Relay.NextMessageAsync();
        Assert.Equal(16 + (1000 * 1000), message.Content.Length);
        Assert.True(message.Writes > 1, $"expected several writes, got {message.Writes}");
    }
}
