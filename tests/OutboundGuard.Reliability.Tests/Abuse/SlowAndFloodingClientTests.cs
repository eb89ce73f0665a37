using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// Slowloris, slow DATA and connection floods against the real relay (timeouts shortened to 3 s by
/// configuration): stalled sessions are closed, one address cannot hold more than its share, many addresses
/// cannot hold more than the total, and a legitimate client still gets through afterwards.
/// </summary>
public sealed class SlowAndFloodingClientTests(AbuseRelayFixture relay) : IClassFixture<AbuseRelayFixture>
{
    private const string TooMany = "421 4.7.0 Too many connections, try again later\r\n";
    private const string IdleTimeout = "421 4.4.2 Idle timeout, closing connection\r\n";

    [Fact]
    public async Task A_client_that_stops_in_the_middle_of_a_command_is_closed_with_421_after_the_timeout()
    {
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.8.1"));
        client.Timeout = TimeSpan.FromSeconds(15);
        var started = Stopwatch.GetTimestamp();

        await client.SendAsync("MAIL FROM:<alice@ten");
        var reply = await client.ReadReplyAsync();

        Assert.Equal(IdleTimeout, reply);
        Assert.InRange(Stopwatch.GetElapsedTime(started), AbuseRelayFixture.Timeout * 0.9, TimeSpan.FromSeconds(12));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_DATA_transfer_that_stalls_is_cut_with_421_and_leaves_no_message_behind()
    {
        var marker = "slowdata" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.8.2"));
        client.Timeout = TimeSpan.FromSeconds(15);
        await client.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword));
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync($"RCPT TO:<{marker}@example.org>");
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);

        // Slow at first (one short line every second, within the timeout), then nothing.
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync($"X-Slow-{i}: {marker}\r\n");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var reply = await client.ReadReplyAsync();

        Assert.Equal(IdleTimeout, reply);
        Assert.Equal(0, await relay.MessagesMentioningAsync(marker));
    }

    [Fact]
    public async Task One_address_holding_many_slow_sessions_gets_421_past_its_limit_and_others_still_get_in()
    {
        var attacker = IPAddress.Parse("127.0.9.1");
        var held = new List<RawSmtpClient>();
        try
        {
            for (var i = 0; i < AbuseRelayFixture.MaxConnectionsPerIp; i++)
            {
                held.Add(await relay.SessionAsync(attacker));
            }

            await using var extra = await RawSmtpClient.ConnectFromAsync(attacker, relay.Harness.SmtpEndPoint);
            var refused = await extra.ReadReplyAsync();
            await using var legitimate = await relay.SessionAsync(IPAddress.Parse("127.0.9.2"));

            Assert.Equal(TooMany, refused);
            Assert.True(await extra.IsClosedByServerAsync());
            Assert.StartsWith("250", await legitimate.CommandAsync("NOOP"), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_flood_from_many_addresses_is_capped_by_the_total_limit_and_the_relay_recovers()
    {
        var held = new List<RawSmtpClient>();
        var greetings = new List<string>();
        try
        {
            // 127.0.10.2 … 127.0.10.50: 49 sources, one connection each, against a total limit of 30.
            for (var host = 2; host <= 50; host++)
            {
                var client = await RawSmtpClient.ConnectFromAsync(IPAddress.Parse($"127.0.10.{host}"), relay.Harness.SmtpEndPoint);
                held.Add(client);
                greetings.Add(await client.ReadReplyAsync());
            }

            Assert.Equal(AbuseRelayFixture.MaxConnections, greetings.Count(g => g.StartsWith("220 ", StringComparison.Ordinal)));
            Assert.Equal(49 - AbuseRelayFixture.MaxConnections, greetings.Count(g => g == TooMany));
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }

        // Once the flood lets go, the slots are free again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string greeting;
        do
        {
            await using var after = await RawSmtpClient.ConnectFromAsync(IPAddress.Parse("127.0.10.51"), relay.Harness.SmtpEndPoint);
            greeting = await after.ReadReplyAsync();
            if (!greeting.StartsWith("220 ", StringComparison.Ordinal))
            {
                await Task.Delay(100);
            }
        }
        while (!greeting.StartsWith("220 ", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_that_send_nothing_are_closed_by_the_initial_timeout()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.11.1"), 0));
        await socket.ConnectAsync(relay.Harness.SmtpEndPoint);
        var buffer = new byte[4096];
        var received = new List<byte>();
        var started = Stopwatch.GetTimestamp();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        int read;
        do
        {
            read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            received.AddRange(buffer.Take(read));
        }
        while (read > 0);

        var text = System.Text.Encoding.ASCII.GetString(received.ToArray());
        Assert.StartsWith("220 ", text, StringComparison.Ordinal);
        Assert.EndsWith(IdleTimeout, text, StringComparison.Ordinal);
        Assert.InRange(Stopwatch.GetElapsedTime(started), AbuseRelayFixture.Timeout * 0.9, TimeSpan.FromSeconds(12));
    }
}
