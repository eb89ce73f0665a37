using MailKit.Net.Smtp;
using Xunit;

namespace OutboundGuard.Tests.Signals;

/// <summary>
/// Invalid recipients as a throttle signal over real sockets: the smarthost (a real Postfix) refuses <c>gone.*</c>
/// recipients with 550 5.1.1, the delivery queue's replies reach scoring, and an account whose refused recipients in the
/// sliding hour reach 20 and 5 % is throttled, while a list with 2 % stale addresses never is. An hour of relay time passes
/// in seconds (replay clock); messages are 3.5 min apart so that no pace finding muddies the figures.
/// </summary>
public sealed class InvalidRecipientTests(SignalsFixture relay) : IClassFixture<SignalsFixture>
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMinutes(3.5);

    [Fact]
    public async Task Twenty_unknown_recipients_making_five_percent_of_the_hour_throttle_the_account_and_the_evidence_names_them()
    {
        var address = $"harvest{Guid.NewGuid():N}"[..14] + "@lists.example";
        var password = await relay.AddEstablishedAccountAsync(address);
        var start = relay.ReserveTime(TimeSpan.FromHours(1));
        using var client = await relay.ConnectAsync("127.0.40.1", address, password);

        // 375 recipients the smarthost knows, then one message with 4 more and 20 it does not: 399 in all.
        var replies = new List<int>();
        for (var i = 0; i < 15; i++)
        {
            replies.Add(await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, Known(address, i, 25), $"Update {i}", start + i * Spacing)));
        }

        var gone = Enumerable.Range(0, 20).Select(n => $"gone.reader{n}@readers{n % 4}.example").ToList();
        replies.Add(await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, [.. Known(address, 15, 4), .. gone], "Update 15", start + 15 * Spacing)));
        Assert.All(replies, r => Assert.Equal(250, r));
        await relay.WaitForRefusalsAsync(address, 20, TimeSpan.FromMinutes(2));

        // The 400th recipient: 20 of 400 (5 %) unknown.
        var probe = await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, Known(address, 16, 1), "Update 16", start + 16 * Spacing));

        Assert.Equal(451, probe);
        Assert.Equal("throttled", await relay.StateAsync(address));
        var evidence = await relay.EvidenceAsync(address);
        Assert.Contains(evidence, t => t.StartsWith("20 of 400 recipients this hour (5 %) unknown at the receiving server: gone.reader", StringComparison.Ordinal) && t.EndsWith(", …", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_list_of_a_thousand_with_two_percent_stale_addresses_is_never_throttled()
    {
        var address = $"newsletter{Guid.NewGuid():N}"[..16] + "@lists.example";
        var password = await relay.AddEstablishedAccountAsync(address);
        var start = relay.ReserveTime(TimeSpan.FromHours(1));
        using var client = await relay.ConnectAsync("127.0.41.1", address, password);

        // 1,000 recipients in the hour, 20 of them stale (2 %), the stale ones spread over the list.
        var replies = new List<int>();
        for (var i = 0; i < 16; i++)
        {
            var count = i < 15 ? 62 : 60;
            var stale = Enumerable.Range(0, i < 10 ? 2 : 0).Select(n => $"gone.subscriber{i}-{n}@readers{n}.example");
            replies.Add(await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, [.. Known(address, i, count - (i < 10 ? 2 : 0)), .. stale], $"Issue {i}", start + i * Spacing)));
        }

        await relay.WaitForRefusalsAsync(address, 20, TimeSpan.FromMinutes(2));
        replies.Add(await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, Known(address, 16, 10), "Issue 16", start + 16 * Spacing)));

        Assert.All(replies, r => Assert.Equal(250, r));
        Assert.Equal("active", await relay.StateAsync(address));
        Assert.DoesNotContain(await relay.EvidenceAsync(address), t => t.Contains("unknown", StringComparison.Ordinal));
    }

    /// <summary>Distinct recipients the smarthost knows, for message <paramref name="message"/> of the account.</summary>
    private static List<string> Known(string account, int message, int count)
        => Enumerable.Range(0, count).Select(n => $"reader{message}-{n}-{account.GetHashCode() & 0xffff}@readers{n % 7}.example").ToList();
}
