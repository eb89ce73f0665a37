using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Smtp;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Content;

/// <summary>
/// Hostile content through the real relay process: each message is answered within 30 s, the relay's
/// resident memory stays under 1 GiB, the process never dies, and every message that got a 250 is then
/// delivered to the sink or held in quarantine — never silently dropped.
/// </summary>
public sealed partial class HostileContentTests(ContentRelayFixture relay, ITestOutputHelper output) : IClassFixture<ContentRelayFixture>
{
    private static readonly TimeSpan ReplyBound = TimeSpan.FromSeconds(30);
    private const long RssBoundKiB = 1024 * 1024;

    public static TheoryData<string> Cases() => [.. HostileMessages.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_content_is_answered_in_bounded_time_and_memory_and_never_dropped(string name)
    {
        var marker = name + "-" + Guid.NewGuid().ToString("N")[..8];
        var content = HostileMessages.Build(name, marker);
        await using var client = await RawSmtpClient.ConnectAsync(relay.Harness.SmtpEndPoint);
        client.Timeout = TimeSpan.FromSeconds(120);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("235", await client.CommandAsync(Support.AbuseRelayFixture.AuthPlain(ContentRelayFixture.Account, relay.Password)), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<content@tenant.example> BODY=8BITMIME"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        await client.SendAsync(Encoding.UTF8.GetBytes(content));

        var started = Stopwatch.GetTimestamp();
        var reply = await client.CommandAsync(".");
        var took = Stopwatch.GetElapsedTime(started);
        var rss = relay.Harness.RelayRssKiB();
        relay.MaxRssKiB = Math.Max(relay.MaxRssKiB, rss);
        output.WriteLine($"{name}: {content.Length} octets, reply after {took.TotalMilliseconds:F0} ms, VmRSS {rss / 1024} MiB, VmHWM {relay.Harness.RelayPeakRssKiB() / 1024} MiB: {reply.Trim()}");

        Assert.False(relay.Harness.Relay.HasExited, "the relay died");
        Assert.True(took < ReplyBound, $"{name} took {took}");
        Assert.InRange(rss, 1, RssBoundKiB);
        Assert.StartsWith("250 2.0.0", reply, StringComparison.Ordinal);
        var id = QueuedId().Match(reply);
        Assert.True(id.Success, reply);
        var state = await WaitForFinalStateAsync(Guid.ParseExact(id.Groups[1].Value, "N").ToString(), TimeSpan.FromSeconds(60));
        // Delivery streams the spooled bytes (no MIME parse), so even the 10 MB header is relayed promptly.
        Assert.Contains(state, new[] { "delivered", "quarantined" });
        if (state == "delivered")
        {
            Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync("X-Test-Id: " + marker, TimeSpan.FromSeconds(30)));
        }
    }

    private async Task<string> WaitForFinalStateAsync(string id, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        string? state;
        do
        {
            state = await relay.Harness.ScalarAsync<string>($"SELECT state FROM messages WHERE id = '{id}'");
            if (state is "delivered" or "quarantined" or "bounced" or "failed")
            {
                return state;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        return state ?? "(no row)";
    }

    [GeneratedRegex("Queued as ([0-9a-f]{32})")]
    private static partial Regex QueuedId();
}
