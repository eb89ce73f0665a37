using System.Text;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

public class BdatTests
{
    private static async Task<RawSmtpClient> ReadyAsync(SmtpTestServer server, string mailParameters = "")
    {
        var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>" + mailParameters);
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        return client;
    }

    [Fact]
    public async Task BDAT_chunks_are_taken_by_exact_octet_count()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 14\r\nSubject: a\r\n\r\n");
        Assert.Equal("250 2.0.0 14 octets received\r\n", await client.ReadReplyAsync());
        await client.SendAsync("BDAT 0\r\n");
        Assert.Equal("250 2.0.0 0 octets received\r\n", await client.ReadReplyAsync());
        await client.SendAsync("BDAT 9 LAST\r\n.\r\nQUIT\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("Subject: a\r\n\r\n.\r\nQUIT\r\n", Encoding.ASCII.GetString((await server.Relay.NextMessageAsync()).Content));
    }

    [Fact]
    public async Task Pipelined_BDAT_chunks_and_commands_are_all_answered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.SendAsync("MAIL FROM:<alice@tenant.example>\r\nRCPT TO:<bob@example.org>\r\nBDAT 5\r\nhelloBDAT 2 LAST\r\n\r\nNOOP\r\n");
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 5 octets received\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("hello\r\n", Encoding.ASCII.GetString((await server.Relay.NextMessageAsync()).Content));
    }

    [Fact]
    public async Task DATA_after_BDAT_in_the_same_transaction_is_refused()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 3\r\nabc");
        await client.ReadReplyAsync();
        Assert.Equal("503 5.5.1 DATA cannot follow BDAT in the same transaction\r\n", await client.CommandAsync("DATA"));
    }

    [Fact]
    public async Task BDAT_without_a_transaction_is_refused_and_its_octets_are_skipped()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.SendAsync("BDAT 6\r\nNOOP\r\n");
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected MAIL\r\n", await client.ReadReplyAsync());

        // The "NOOP\r\n" was chunk content, not a command: the next reply is to RSET.
        Assert.Equal("250 2.0.0 Reset state\r\n", await client.CommandAsync("RSET"));
    }

    [Fact]
    public async Task Binary_content_passes_with_BODY_BINARYMIME()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server, " BODY=BINARYMIME");
        var content = new byte[] { 0, 1, 2, (byte)'\n', (byte)'\r', 255 };
        await client.SendAsync([.. "BDAT 6 LAST\r\n"u8.ToArray(), .. content]);
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal(content, (await server.Relay.NextMessageAsync()).Content);
    }

    [Fact]
    public async Task Bare_LF_in_BDAT_content_is_refused_without_BINARYMIME()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 7 LAST\r\na\nb\r\n.\n");
        Assert.Equal("550 5.6.11 Bare CR or LF in message; use CRLF line endings\r\n", await client.ReadReplyAsync());
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task A_CR_ending_one_chunk_pairs_with_the_LF_starting_the_next()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 2\r\na\r");
        await client.ReadReplyAsync();
        await client.SendAsync("BDAT 1 LAST\r\n\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task BDAT_over_the_size_limit_gets_552_and_ends_the_transaction()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Limits.MaxMessageSize = 10);
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 8\r\n12345678");
        await client.ReadReplyAsync();
        await client.SendAsync("BDAT 8 LAST\r\n12345678");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", await client.ReadReplyAsync());
        Assert.Equal("503 5.5.1 Bad sequence of commands; expected MAIL\r\n", await client.CommandAsync("RCPT TO:<x@example.org>"));
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task RSET_abandons_a_message_being_received_with_BDAT()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ReadyAsync(server);
        await client.SendAsync("BDAT 3\r\nabc");
        await client.ReadReplyAsync();
        Assert.Equal("250 2.0.0 Reset state\r\n", await client.CommandAsync("RSET"));
        Assert.Equal(1, server.Relay.Abandoned);
    }
}
