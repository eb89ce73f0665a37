using OutboundGuard.Replay.Replaying;
using Xunit;

namespace OutboundGuard.Replay.Tests;

public sealed class ReplayPaceTests
{
    [Theory]
    [InlineData("captured", 60_000, 60_000)]
    [InlineData("compressed:60", 60_000, 1_000)]
    [InlineData("compressed:2.5", 10_000, 4_000)]
    [InlineData("fast", 3_600_000, 0)]
    public void A_message_is_due_at_its_offset_divided_by_the_compression(string pace, long offsetMs, double dueMs)
    {
        Assert.True(ReplayPace.TryParse(pace, out var parsed));
        Assert.Equal(TimeSpan.FromMilliseconds(dueMs), parsed.Value.DueAfter(offsetMs));
        Assert.Equal(pace, parsed.Value.ToString());
    }

    [Theory]
    [InlineData("compressed:0")]
    [InlineData("compressed:-3")]
    [InlineData("compressed:x")]
    [InlineData("slow")]
    [InlineData("")]
    public void An_unknown_pace_is_refused(string pace) => Assert.False(ReplayPace.TryParse(pace, out _));

    [Fact]
    public void The_replay_time_header_round_trips_in_utc_with_milliseconds()
    {
        var time = new DateTimeOffset(2026, 3, 2, 9, 15, 0, 250, TimeSpan.FromHours(2));
        var text = ReplayTimeHeader.Format(time);
        Assert.Equal("2026-03-02T07:15:00.250+00:00", text);
        Assert.True(ReplayTimeHeader.TryParse(text, out var parsed));
        Assert.Equal(time, parsed);
    }

    [Fact]
    public void Each_client_label_gets_a_stable_distinct_loopback_address()
    {
        var a = ClientAddressMap.Loopback("bot-a@x.example")!;
        Assert.Equal(a, ClientAddressMap.Loopback("bot-a@x.example"));
        Assert.NotEqual(a, ClientAddressMap.Loopback("mta.x.example"));
        Assert.True(System.Net.IPAddress.IsLoopback(a));
        Assert.Null(ClientAddressMap.Loopback(null));
    }
}
