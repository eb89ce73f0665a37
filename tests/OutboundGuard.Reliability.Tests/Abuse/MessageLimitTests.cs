using System.Net;
using System.Text;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// Recipient and size limits, NUL octets and 8-bit headers through the real relay process: what is refused
/// leaves nothing in the spool, the database or the downstream sink; what is accepted arrives intact.
/// </summary>
public sealed class MessageLimitTests(AbuseRelayFixture relay) : IClassFixture<AbuseRelayFixture>
{
    private async Task<RawSmtpClient> AuthenticatedAsync(int host)
    {
        var client = await relay.SessionAsync(IPAddress.Parse($"127.0.7.{host}"));
        Assert.StartsWith("235", await client.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword)), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Message files in the spool; an emptied file kept for reuse (<c>.free</c>) holds nothing and is not counted, but must be empty.</summary>
    private int SpoolFiles()
    {
        var spool = Path.Combine(relay.Harness.DataDirectory, "spool");
        if (!Directory.Exists(spool))
        {
            return 0;
        }

        Assert.All(Directory.GetFiles(spool, "*.free", SearchOption.AllDirectories), free => Assert.Equal(0, new FileInfo(free).Length));
        return Directory.GetFiles(spool, "*.eml", SearchOption.AllDirectories).Length;
    }

    [Fact]
    public async Task The_101st_recipient_gets_452_and_the_message_goes_out_to_the_first_100()
    {
        var marker = "rcpt" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await AuthenticatedAsync(1);
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        var replies = new List<string>();
        for (var i = 0; i < 101; i++)
        {
            replies.Add(await client.CommandAsync($"RCPT TO:<r{i}-{marker}@example.org>"));
        }

        await client.CommandAsync("DATA");
        var end = await client.CommandAsync($"Subject: {marker}\r\n\r\nhello\r\n.");

        Assert.All(replies.Take(100), r => Assert.StartsWith("250 2.1.5", r, StringComparison.Ordinal));
        Assert.Equal("452 4.5.3 Too many recipients\r\n", replies[100]);
        Assert.StartsWith("250 2.0.0", end, StringComparison.Ordinal);
        // The relay may hand the recipients to the smarthost over more than one transaction: gather every copy.
        var delivered = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !delivered.Contains($"r99-{marker}@", StringComparison.Ordinal))
        {
            await Task.Delay(200);
            var files = await Task.WhenAll(relay.Sink.ReceivedFiles().Select(f => File.ReadAllTextAsync(f)));
            delivered = string.Concat(files.Where(c => c.Contains(marker, StringComparison.Ordinal)));
        }

        Assert.All(Enumerable.Range(0, 100), i => Assert.Contains($"r{i}-{marker}@example.org", delivered, StringComparison.Ordinal));
        Assert.DoesNotContain($"r100-{marker}", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_SIZE_over_the_limit_is_refused_at_MAIL()
    {
        await using var client = await AuthenticatedAsync(2);

        var reply = await client.CommandAsync($"MAIL FROM:<alice@tenant.example> SIZE={AbuseRelayFixture.MaxMessageSize + 1}");

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", reply);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" SIZE=1000")]
    public async Task An_oversize_message_declared_small_or_undeclared_is_read_to_its_end_refused_and_not_kept(string sizeParameter)
    {
        var marker = "big" + Guid.NewGuid().ToString("N")[..8];
        var spoolBefore = SpoolFiles();
        await using var client = await AuthenticatedAsync(3);
        await client.CommandAsync($"MAIL FROM:<alice@tenant.example>{sizeParameter}");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        var line = new string('x', 998) + "\r\n";
        var body = new StringBuilder($"Subject: {marker}\r\n\r\n");
        while (body.Length <= AbuseRelayFixture.MaxMessageSize + 10_000)
        {
            body.Append(line);
        }

        await client.SendAsync(body.ToString());
        var reply = await client.CommandAsync(".");
        var next = await client.CommandAsync("NOOP");

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size\r\n", reply);
        Assert.StartsWith("250", next, StringComparison.Ordinal);
        Assert.Equal(0, await relay.MessagesMentioningAsync(marker));
        Assert.Equal(spoolBefore, SpoolFiles());
    }

    [Fact]
    public async Task A_NUL_octet_gets_550_5_6_0_and_nothing_is_spooled()
    {
        var marker = "nul" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await AuthenticatedAsync(4);
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync($"RCPT TO:<{marker}@example.org>");
        await client.CommandAsync("DATA");

        await client.SendAsync(Encoding.ASCII.GetBytes($"Subject: {marker}\r\n\r\nbefore\0after\r\n"));
        var reply = await client.CommandAsync(".");

        Assert.StartsWith("550 5.6.0", reply, StringComparison.Ordinal);
        Assert.Equal(0, await relay.MessagesMentioningAsync(marker));
    }

    [Theory]
    [InlineData(" BODY=8BITMIME")]
    [InlineData("")]
    public async Task Eight_bit_headers_without_SMTPUTF8_are_accepted_and_relayed_byte_for_byte(string body)
    {
        // Decision: 8-bit octets in headers are accepted (RFC 6152 8BITMIME; RFC 6532 UTF-8 headers), with or
        // without BODY=8BITMIME, as Postfix and Exchange do; the relay neither rewrites nor refuses them.
        var marker = "8bit" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await AuthenticatedAsync(5);
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<alice@tenant.example>{body}"), StringComparison.Ordinal);
        await client.CommandAsync($"RCPT TO:<{marker}@example.org>");
        await client.CommandAsync("DATA");
        var subject = $"Subject: Grüße aus Köln – {marker}\r\nFrom: Jürgen <alice@tenant.example>\r\n\r\nÄpfel\r\n";

        await client.SendAsync(Encoding.UTF8.GetBytes(subject));
        var reply = await client.CommandAsync(".");

        Assert.StartsWith("250 2.0.0", reply, StringComparison.Ordinal);
        var file = await WaitForSinkFileAsync(marker);
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes($"Grüße aus Köln – {marker}")), "the 8-bit subject was altered");
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes("Jürgen <alice@tenant.example>")), "the 8-bit From was altered");
    }

    private async Task<string> WaitForSinkFileAsync(string marker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var file in relay.Sink.ReceivedFiles())
            {
                if ((await File.ReadAllTextAsync(file)).Contains(marker, StringComparison.Ordinal))
                {
                    return file;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{marker} never reached the sink");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
