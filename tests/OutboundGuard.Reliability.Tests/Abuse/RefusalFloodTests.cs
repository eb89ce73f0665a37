using System.Net;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Scoring.Accounts;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// A suspended account reconnecting at full speed (20 connections at a time, each AUTH and a refused MAIL FROM) beside
/// honest accounts, over real sockets against a real relay and PostgreSQL: the flood is slowed (its account's refusals
/// wait) or bounded (its own address gets a budget of new sessions, refused at connect), while honest accounts on the
/// same and on other addresses send without delay or refusal, and a customer MTA's 20 parallel sessions meet neither
/// limit. Times are compared with the same clients' times measured at the same moment, never with fixed figures.
/// </summary>
public sealed class RefusalFloodTests(RefusalFloodFixture relay, ITestOutputHelper output) : IClassFixture<RefusalFloodFixture>
{
    private const int Workers = 20;
    private const string Suspended = "550 5.7.1";

    private static TimeSpan Median(IEnumerable<TimeSpan> times) => times.Order().ToList() is { Count: > 0 } sorted ? sorted[sorted.Count / 2] : TimeSpan.Zero;

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";

    /// <summary>Honest messages sent one after the other from <paramref name="from"/>: each must be accepted.</summary>
    private async Task<List<TimeSpan>> HonestAsync(IPAddress from, string user, string password, int count)
    {
        var took = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            var (reply, time) = await relay.SendAsync(from, user, password);
            Assert.StartsWith("2.0.0 Queued as", reply, StringComparison.Ordinal);
            took.Add(time);
        }

        return took;
    }

    /// <summary><see cref="Workers"/> connections at a time, each making <paramref name="perWorker"/> attempts one after the other.</summary>
    private async Task<List<(string Reply, TimeSpan MailFromWait)>> FloodAsync(IPAddress from, string user, string password, int perWorker)
    {
        var workers = Enumerable.Range(0, Workers).Select(async _ =>
        {
            var attempts = new List<(string, TimeSpan)>();
            for (var i = 0; i < perWorker; i++)
            {
                attempts.Add(await relay.AttemptAsync(from, user, password));
            }

            return attempts;
        });
        return (await Task.WhenAll(workers)).SelectMany(a => a).ToList();
    }

    private async Task<(string User, string Password)> SuspendedAccountAsync(IPAddress probeFrom)
    {
        var (user, password) = await relay.AccountAsync("flood");
        await relay.SetStateAsync(user, AccountState.Suspended);
        await UntilRefusedAsync(probeFrom, user, password, Suspended);
        return (user, password);
    }

    /// <summary>The announcement of a state change takes a moment to reach the relay; a probe still accepted is not refused yet.</summary>
    private async Task UntilRefusedAsync(IPAddress probeFrom, string user, string password, string refusal)
    {
        for (var i = 0; i < 50 && !(await relay.AttemptAsync(probeFrom, user, password)).Reply.StartsWith(refusal, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// An honest account sends alone from <paramref name="honestFrom"/>; a new suspended account floods from
    /// <paramref name="floodFrom"/> (<paramref name="perWorker"/> attempts per connection), the first half alone (so the
    /// flood's first 40 sessions come after the honest account's last accepted mail), the second half while the honest
    /// account sends; then the honest account sends alone again.
    /// </summary>
    private async Task<(List<TimeSpan> Before, List<TimeSpan> Under, List<TimeSpan> After, List<(string Reply, TimeSpan MailFromWait)> Attempts)> FloodBesideHonestAsync(
        IPAddress floodFrom, IPAddress honestFrom, IPAddress probeFrom, int perWorker)
    {
        var (honest, honestPassword) = await relay.AccountAsync("honest");
        var before = await HonestAsync(honestFrom, honest, honestPassword, 5);
        var (flooder, flooderPassword) = await SuspendedAccountAsync(probeFrom);

        var attempts = await FloodAsync(floodFrom, flooder, flooderPassword, perWorker / 2);
        var flood = FloodAsync(floodFrom, flooder, flooderPassword, perWorker - (perWorker / 2));
        var under = await HonestAsync(honestFrom, honest, honestPassword, 6);
        attempts.AddRange(await flood);
        var after = await HonestAsync(honestFrom, honest, honestPassword, 5);
        return (before, under, after, attempts);
    }

    [Fact]
    public async Task A_suspended_account_flooding_an_address_shared_with_an_honest_account_is_slowed_while_the_honest_one_sends_without_delay_or_refusal()
    {
        var shared = IPAddress.Parse("127.4.1.1");
        var (before, under, after, attempts) = await FloodBesideHonestAsync(shared, shared, IPAddress.Parse("127.4.1.2"), 4);

        var slowed = attempts.Where(a => a.MailFromWait >= RefusalFloodFixture.MaxDelay * 0.9).ToList();
        output.WriteLine($"honest session median: alone {Ms(Median(before))} / {Ms(Median(after))}, under the flood {Ms(Median(under))}; " +
            $"{attempts.Count} flood attempts, {slowed.Count} answered after the longest delay, median MAIL FROM wait {Ms(Median(attempts.Select(a => a.MailFromWait)))}");

        // The address had mail accepted before the flood: it is never budgeted, every flood session is greeted and refused at MAIL FROM.
        Assert.All(attempts, a => Assert.StartsWith(Suspended, a.Reply, StringComparison.Ordinal));
        // 80 sessions in well under a minute: past the 20 free ones and ten steps, each refusal waits the longest delay.
        Assert.True(slowed.Count >= 40, $"only {slowed.Count} of {attempts.Count} refusals waited the longest delay");
        Assert.True(Median(under) < Median(slowed.Select(a => a.MailFromWait)), $"the honest account's sessions took {Ms(Median(under))} at the median, as long as the braked refusals");
        Assert.True(Median(under) <= 3 * Max(Median(before), Median(after)), $"the honest account's sessions took {Ms(Median(under))} under the flood, {Ms(Median(before))} / {Ms(Median(after))} alone");
    }

    [Fact]
    public async Task A_suspended_account_flooding_from_its_own_address_is_refused_at_connect_while_an_honest_account_elsewhere_is_unaffected()
    {
        var (before, under, after, attempts) = await FloodBesideHonestAsync(IPAddress.Parse("127.4.2.1"), IPAddress.Parse("127.4.2.2"), IPAddress.Parse("127.4.2.3"), 6);

        var atConnect = attempts.Count(a => a.Reply.StartsWith("421 4.7.0 Too many refused sessions from this address", StringComparison.Ordinal));
        var refused = attempts.Count(a => a.Reply.StartsWith(Suspended, StringComparison.Ordinal));
        output.WriteLine($"{attempts.Count} flood attempts: {refused} refused at MAIL FROM, {atConnect} at connect; honest session median elsewhere: " +
            $"alone {Ms(Median(before))} / {Ms(Median(after))}, under the flood {Ms(Median(under))}");

        Assert.Equal(attempts.Count, atConnect + refused);
        // The budget applies once more than 20 sessions were refused; the 20 connections in flight by then are still
        // refused at MAIL FROM (40 in all), then one every 2 s gets through and the rest are refused at connect.
        Assert.True(atConnect >= attempts.Count / 2, $"only {atConnect} of {attempts.Count} attempts were refused at connect");
        Assert.True(Median(under) <= 3 * Max(Median(before), Median(after)), $"the honest account's sessions took {Ms(Median(under))} under the flood, {Ms(Median(before))} / {Ms(Median(after))} alone");
    }

    [Fact]
    public async Task A_customer_MTA_s_20_parallel_sessions_are_neither_delayed_nor_refused_at_connect_when_its_account_is_throttled_and_then_released()
    {
        // An address that never had mail accepted, so only the thresholds keep its sessions from being budgeted.
        var mta = IPAddress.Parse("127.4.3.1");
        var (user, password) = await relay.AccountAsync("mta");
        var (other, otherPassword) = await relay.AccountAsync("other");
        // Each password verified once beforehand, as an MTA's first session did long before: 40 first AUTHs at once would
        // be 40 Argon2id verifications, which is not what this test is about.
        Assert.StartsWith("250", (await relay.AttemptAsync(IPAddress.Parse("127.4.3.3"), user, password)).Reply, StringComparison.Ordinal);
        Assert.StartsWith("250", (await relay.AttemptAsync(IPAddress.Parse("127.4.3.3"), other, otherPassword)).Reply, StringComparison.Ordinal);
        var until = DateTimeOffset.UtcNow.AddSeconds(10);
        await relay.SetStateAsync(user, AccountState.Throttled, until);
        await UntilRefusedAsync(IPAddress.Parse("127.4.3.3"), user, password, "451 4.7.1");

        // The 20 sessions meet the throttle while another account's 20 sessions are accepted at the same moment.
        var throttled = Enumerable.Range(0, Workers).Select(_ => relay.AttemptAsync(mta, user, password)).ToList();
        var accepted = Enumerable.Range(0, Workers).Select(_ => relay.AttemptAsync(IPAddress.Parse("127.4.3.2"), other, otherPassword)).ToList();
        var refusals = await Task.WhenAll(throttled);
        var references = await Task.WhenAll(accepted);
        output.WriteLine($"MAIL FROM median wait: throttled {Ms(Median(refusals.Select(r => r.MailFromWait)))}, accepted {Ms(Median(references.Select(r => r.MailFromWait)))}");

        Assert.All(refusals, r => Assert.StartsWith("451 4.7.1", r.Reply, StringComparison.Ordinal));
        Assert.All(references, r => Assert.StartsWith("250", r.Reply, StringComparison.Ordinal));
        Assert.True(Median(refusals.Select(r => r.MailFromWait)) < Median(references.Select(r => r.MailFromWait)) + RefusalFloodFixture.DelayStep,
            "the throttled account's refusals were delayed");

        while (DateTimeOffset.UtcNow < until.AddMilliseconds(200))
        {
            await Task.Delay(100);
        }

        // Released: the MTA's 20 parallel sessions from the same address all send.
        var sends = await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => relay.SendAsync(mta, user, password)));
        Assert.All(sends, s => Assert.StartsWith("2.0.0 Queued as", s.Reply, StringComparison.Ordinal));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
