using System.Text;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// SMTP smuggling over real sockets: every ambiguous end-of-data sequence, a second transaction pipelined behind it,
/// pipelining after a real end marker, and BDAT chunks carrying dot lines — each sent in one write, one octet per
/// write and split at random. The table in docs/reliability.md lists the outcome per sequence.
/// </summary>
public class SmugglingTests
{
    /// <summary>Sequences a next hop might read as the end of data; none is one here.</summary>
    public static readonly string[] AmbiguousEndMarkers =
    [
        "\n.\n", "\n.\r", "\r.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n\0.\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n",
        "\r\n.\n", "\r\n.\r", "\r\n.\0\r\n",
    ];

    /// <summary>One write, one octet per write, and three random splits.</summary>
    public static readonly string[] Splits = ["whole", "octets", "random 1", "random 2", "random 3"];

    public static TheoryData<string, string> MarkersAndSplits()
    {
        var data = new TheoryData<string, string>();
        foreach (var marker in AmbiguousEndMarkers)
        {
            foreach (var split in Splits)
            {
                data.Add(Escape(marker), split);
            }
        }

        return data;
    }

    public static TheoryData<string> AllSplits() => [.. Splits];

    private const string SmuggledTransaction =
        "MAIL FROM:<evil@tenant.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nFrom: <ceo@tenant.example>\r\nSubject: smuggled\r\n\r\npay now\r\n";

    [Theory]
    [MemberData(nameof(MarkersAndSplits))]
    public async Task A_second_transaction_behind_an_ambiguous_end_marker_is_content_of_one_refused_message(string marker, string split)
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);

        await SendSplitAsync(client, "Subject: x\r\n\r\nfirst" + Unescape(marker) + SmuggledTransaction + "\r\n.\r\n", split);

        // One reply for one message: the smuggled MAIL, RCPT and DATA were never commands.
        Assert.Matches("^550 5\\.6\\.(11|0) ", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
        Assert.False(server.Relay.HasMessage);
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Theory]
    [MemberData(nameof(AllSplits))]
    public async Task A_transaction_pipelined_after_a_real_end_of_data_is_served(string split)
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);

        // RFC 2920 §3.1: after the end of data the client may pipeline the next MAIL, RCPT and DATA at once.
        await SendSplitAsync(client, "Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<alice@tenant.example>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n", split);
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.ReadReplyAsync());
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await SendSplitAsync(client, "Subject: two\r\n\r\n..second\r\n.\r\n", split);
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());

        var first = await server.Relay.NextMessageAsync();
        var second = await server.Relay.NextMessageAsync();
        Assert.Equal("Subject: one\r\n\r\nfirst\r\n", Encoding.ASCII.GetString(first.Content));
        Assert.Equal("Subject: two\r\n\r\n.second\r\n", Encoding.ASCII.GetString(second.Content));
        Assert.Equal(["carol@example.org"], second.Envelope.Recipients.Select(r => r.Address));
    }

    [Theory]
    [MemberData(nameof(AllSplits))]
    public async Task BDAT_content_with_dot_lines_and_a_real_end_marker_is_kept_byte_exact_and_never_unstuffed(string split)
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);

        // The chunk boundary falls inside "\r\n.\r\n": BDAT has no end marker, so none of these octets is framing.
        var first = "Subject: dots\r\n\r\n..two dots\r\n.\r\n" + SmuggledTransaction + "\r\n.";
        var second = "\r\n...\r\n.\r\n";
        await SendSplitAsync(client, $"BDAT {first.Length}\r\n{first}BDAT {second.Length} LAST\r\n{second}NOOP\r\n", split);

        Assert.Equal($"250 2.0.0 {first.Length} octets received\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.ReadReplyAsync());
        var message = await server.Relay.NextMessageAsync();
        Assert.Equal(first + second, Encoding.ASCII.GetString(message.Content));
        Assert.False(server.Relay.HasMessage);
    }

    [Theory]
    [MemberData(nameof(MarkersAndSplits))]
    public async Task BDAT_content_with_an_ambiguous_end_marker_is_refused_and_the_framing_holds(string marker, string split)
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await StartTransactionAsync(client);

        var content = "Subject: x\r\n\r\nfirst" + Unescape(marker) + SmuggledTransaction;
        await SendSplitAsync(client, $"BDAT {Encoding.Latin1.GetByteCount(content)} LAST\r\n{content}NOOP\r\n", split);

        Assert.Matches("^550 5\\.6\\.(11|0) ", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK\r\n", await client.ReadReplyAsync());
        Assert.False(server.Relay.HasMessage);
    }

    private static async Task StartTransactionAsync(RawSmtpClient client)
    {
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.CommandAsync("RCPT TO:<bob@example.org>"));
    }

    /// <summary>Sends <paramref name="text"/>'s octets (Latin-1, so NUL, CR and LF stay single octets) as <paramref name="split"/> says.</summary>
    private static async Task SendSplitAsync(RawSmtpClient client, string text, string split)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        if (split == "whole")
        {
            await client.SendAsync(bytes);
            return;
        }

        var random = split.StartsWith("random ", StringComparison.Ordinal) ? new Random(int.Parse(split[7..], System.Globalization.CultureInfo.InvariantCulture)) : null;
        for (var i = 0; i < bytes.Length;)
        {
            var n = random is null ? 1 : random.Next(1, 12);
            n = Math.Min(n, bytes.Length - i);
            await client.SendAsync(bytes[i..(i + n)]);
            i += n;
        }
    }

    /// <summary>Theory data shows the marker escaped (\r \n \0), so test names stay readable.</summary>
    private static string Escape(string marker) => marker.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);

    private static string Unescape(string marker) => marker.Replace("\\r", "\r", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\0", "\0", StringComparison.Ordinal);
}
