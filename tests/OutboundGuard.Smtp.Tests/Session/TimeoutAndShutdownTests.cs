using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

public class TimeoutAndShutdownTests
{
    /// <summary>Moves the fake clock in steps until the server answers (the server may arm its timer a moment after we look).</summary>
    private static async Task<string> AdvanceUntilReplyAsync(FakeTimeProvider time, RawSmtpClient client, TimeSpan step)
    {
        for (var i = 0; i < 50; i++)
        {
            time.Advance(step);
            if (!await client.IsSilentForAsync(TimeSpan.FromMilliseconds(100)))
            {
                return await client.ReadReplyAsync();
            }
        }

        throw new TimeoutException("The server never timed out.");
    }

    [Fact]
    public async Task An_idle_session_is_closed_with_421_4_4_2_after_the_server_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(time: time);
        await using var client = await server.ConnectAndGreetAsync();
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("250 2.0.0 OK\r\n", await client.CommandAsync("NOOP"));
        Assert.Equal("421 4.4.2 Idle timeout, closing connection\r\n", await AdvanceUntilReplyAsync(time, client, TimeSpan.FromMinutes(1)));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_stalled_DATA_transfer_times_out_and_the_message_is_abandoned()
    {
        var time = new FakeTimeProvider();

        // The RFC 5321 data block timeout alone (the minimum rate, on by default, would cut it off sooner: SlowClientTests).
        await using var server = await SmtpTestServer.StartAsync(time: time, configure: o => o.Limits.MinimumDataRate = 0);
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        await client.SendAsync("Subject: half\r\n");
        Assert.Equal("421 4.4.2 Idle timeout, closing connection\r\n", await AdvanceUntilReplyAsync(time, client, TimeSpan.FromMinutes(1)));
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(1, server.Relay.Abandoned);
    }

    [Fact]
    public async Task Shutdown_sends_421_4_3_2_to_idle_sessions()
    {
        var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        var stopping = server.StopAsync();
        Assert.Equal("421 4.3.2 Service shutting down, try again later\r\n", await client.ReadReplyAsync());
        await stopping;
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_lets_a_transaction_in_flight_finish_first()
    {
        var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.CommandAsync("DATA");
        var stopping = server.StopAsync();
        await client.SendAsync("Subject: in flight\r\n\r\n.\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal("421 4.3.2 Service shutting down, try again later\r\n", await client.ReadReplyAsync());
        await stopping;
        await server.DisposeAsync();
    }
}
