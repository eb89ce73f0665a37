using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>Slowloris: the per-read timeouts alone would let a client trickling octets keep a session forever.</summary>
public class SlowClientTests
{
    /// <summary>Sends one octet per fake second until the server answers; returns the reply and how many octets went.</summary>
    private static async Task<(string Reply, int Sent)> TrickleUntilReplyAsync(FakeTimeProvider time, RawSmtpClient client, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            try
            {
                await client.SendAsync(text[i].ToString());
            }
            catch (IOException)
            {
                // The server answered and closed after the previous octet, before the silence check saw the reply
                // (a busy machine): the reply is still waiting to be read.
                return (await client.ReadReplyAsync(), i);
            }

            time.Advance(TimeSpan.FromSeconds(1));
            if (!await client.IsSilentForAsync(TimeSpan.FromMilliseconds(250)))
            {
                return (await client.ReadReplyAsync(), i + 1);
            }
        }

        throw new TimeoutException("The server never closed the session.");
    }

    [Fact]
    public async Task A_command_line_trickled_one_octet_per_second_is_cut_off_after_the_command_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o => o.Limits.CommandTimeout = TimeSpan.FromSeconds(20));
        await using var client = await server.ConnectAndGreetAsync();

        // 64 octets at one per second: each read is well within the 5-minute RFC timeout, the line is not.
        var (reply, sent) = await TrickleUntilReplyAsync(time, client, "NOOP " + new string('x', 57) + "\r\n");

        Assert.Equal("421 4.4.2 Command line not completed in time, closing connection\r\n", reply);
        Assert.InRange(sent, 20, 22);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Complete_commands_each_get_a_fresh_command_deadline()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o => o.Limits.CommandTimeout = TimeSpan.FromSeconds(20));
        await using var client = await server.ConnectAndGreetAsync();

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync("NO");
            time.Advance(TimeSpan.FromSeconds(15));
            Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(50)));
            Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("OP"));
        }
    }

    [Fact]
    public async Task DATA_trickled_below_the_minimum_rate_is_cut_off_after_the_grace_period_and_the_message_abandoned()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o =>
        {
            o.Limits.MinimumDataRate = 10;
            o.Limits.MinimumDataRateGrace = TimeSpan.FromSeconds(30);
        });
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>\r\n", await client.CommandAsync("DATA"));

        // One octet per second against a minimum of 10 per second: refused once the 30 s grace is over.
        var (reply, sent) = await TrickleUntilReplyAsync(time, client, "Subject: slow\r\n\r\n" + new string('y', 200) + "\r\n.\r\n");

        Assert.Equal("421 4.4.2 Message data arriving too slowly, closing connection\r\n", reply);
        Assert.InRange(sent, 30, 32);
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task DATA_at_the_minimum_rate_is_accepted()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o =>
        {
            o.Limits.MinimumDataRate = 10;
            o.Limits.MinimumDataRateGrace = TimeSpan.FromSeconds(30);
        });
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");

        // 20 octets each second for 60 s: twice the minimum.
        await client.SendAsync("Subject: steady\r\n\r\n");
        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await client.SendAsync(new string('z', 18) + "\r\n");
            Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(20)));
        }

        Assert.Equal("250 2.0.0 Queued\r\n", await client.CommandAsync("."));
    }

    [Fact]
    public async Task A_BDAT_chunk_trickled_below_the_minimum_rate_is_cut_off_after_the_grace_period()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o =>
        {
            o.Limits.MinimumDataRate = 10;
            o.Limits.MinimumDataRateGrace = TimeSpan.FromSeconds(30);
        });
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.SendAsync("BDAT 200 LAST\r\n");

        var (reply, sent) = await TrickleUntilReplyAsync(time, client, new string('w', 200));

        Assert.Equal("421 4.4.2 Message data arriving too slowly, closing connection\r\n", reply);
        Assert.InRange(sent, 30, 32);
        Assert.True(await client.IsClosedByServerAsync());
    }
}
