using System.Diagnostics;
using System.Net;
using OutboundGuard.Reliability.Tests.Support;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// AUTH brute force and credential stuffing against the real relay: failures are slowed down and locked out
/// per client IP and per account, and nothing in the replies or their timing tells which accounts exist.
/// </summary>
public sealed class AuthAbuseTests(AbuseRelayFixture relay) : IClassFixture<AbuseRelayFixture>
{
    private const string Invalid = "535 5.7.8 Authentication credentials invalid\r\n";

    private static IPAddress Ip(int b, int c) => IPAddress.Parse($"127.0.{b}.{c}");

    private async Task<(string Reply, TimeSpan Took)> TryAuthAsync(IPAddress from, string user, string password)
    {
        await using var client = await relay.SessionAsync(from);
        var started = Stopwatch.GetTimestamp();
        var reply = await client.CommandAsync(AbuseRelayFixture.AuthPlain(user, password));
        return (reply, Stopwatch.GetElapsedTime(started));
    }

    [Fact]
    public async Task Guessing_from_one_address_is_slowed_down_and_then_locked_out_even_for_a_right_password()
    {
        var attacker = Ip(1, 1);
        await using var client = await relay.SessionAsync(attacker);
        var replies = new List<string>();
        var delays = new List<TimeSpan>();
        for (var i = 1; i <= 4; i++)
        {
            var started = Stopwatch.GetTimestamp();
            replies.Add(await client.CommandAsync(AbuseRelayFixture.AuthPlain($"guess{i}@tenant.example", "123456")));
            delays.Add(Stopwatch.GetElapsedTime(started));
        }

        // The fifth failure reaches MaxAuthFailures; from then on the address is locked out.
        replies.Add(await client.CommandAsync(AbuseRelayFixture.AuthPlain("guess5@tenant.example", "123456")));
        await using var again = await relay.SessionAsync(attacker);
        var right = await again.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword));

        Assert.All(replies, r => Assert.Equal(Invalid, r));
        for (var i = 0; i < delays.Count; i++)
        {
            // Each failure is answered after AuthFailureDelay × failures so far (a lower bound only).
            Assert.True(delays[i] >= AbuseRelayFixture.AuthFailureDelay * (i + 1) * 0.9, $"failure {i + 1} answered after {delays[i]}");
        }

        Assert.StartsWith("454 4.7.0", right, StringComparison.Ordinal);
        await using var other = await relay.SessionAsync(Ip(1, 2));
        Assert.StartsWith("235 2.7.0", await other.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guessing_one_account_from_many_addresses_never_locks_its_owner_out_and_each_address_is_locked_on_its_own()
    {
        // Lock-out is per user and address: nobody can lock an account out from elsewhere (a shared front end's users
        // never lock each other out either), while each guessing address is stopped after MaxAuthFailures.
        var (victim, password) = await relay.Harness.AddAccountAsync($"victim{Guid.NewGuid():N}"[..14] + "@tenant.example");
        var replies = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            replies.Add((await TryAuthAsync(Ip(2, i), victim, "Summer2024!")).Reply);
        }

        for (var i = 1; i <= 5; i++)
        {
            replies.Add((await TryAuthAsync(Ip(2, 50), victim, "Summer2024!")).Reply);
        }

        var owner = await TryAuthAsync(Ip(2, 99), victim, password);
        var guesser = await TryAuthAsync(Ip(2, 50), victim, password);

        Assert.All(replies, r => Assert.Equal(Invalid, r));
        Assert.StartsWith("235 2.7.0", owner.Reply, StringComparison.Ordinal);
        Assert.StartsWith("454 4.7.0", guesser.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lock_out_reads_the_same_for_an_unknown_user_and_a_real_account()
    {
        var (real, _) = await relay.Harness.AddAccountAsync($"real{Guid.NewGuid():N}"[..12] + "@tenant.example");
        var ghost = $"ghost{Guid.NewGuid():N}"[..13] + "@tenant.example";
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(Invalid, (await TryAuthAsync(Ip(3, 1), real, "wrong")).Reply);
            Assert.Equal(Invalid, (await TryAuthAsync(Ip(4, 1), ghost, "wrong")).Reply);
        }

        var lockedReal = await TryAuthAsync(Ip(3, 1), real, "wrong");
        var lockedGhost = await TryAuthAsync(Ip(4, 1), ghost, "wrong");

        Assert.StartsWith("454 4.7.0", lockedReal.Reply, StringComparison.Ordinal);
        Assert.Equal(lockedReal.Reply, lockedGhost.Reply);
    }

    [Fact]
    public async Task An_unknown_user_and_a_wrong_password_get_the_same_reply_in_indistinguishable_time()
    {
        const int tries = 16;
        var accounts = new List<string>();
        for (var i = 0; i < tries; i++)
        {
            accounts.Add((await relay.Harness.AddAccountAsync($"timing{i}-{Guid.NewGuid():N}"[..18] + "@tenant.example")).Address);
        }

        // Paired and interleaved (which goes first alternates), each from a fresh address and a fresh user name so
        // both see the same one-failure delay; the difference of each pair is compared with what one password
        // verification costs on this machine at the same moment, so that load from other tests cancels out.
        var differences = new List<double>();
        var verification = new List<double>();
        var replies = new HashSet<string>();
        var stored = OutboundGuard.Storage.Security.PasswordHasher.Hash("Calibration-Only-2024");
        for (var i = 0; i < tries; i++)
        {
            var unknownUser = $"nobody{i}-{Guid.NewGuid():N}"[..18] + "@tenant.example";
            (string Reply, TimeSpan Took) a, b;
            if (i % 2 == 0)
            {
                a = await TryAuthAsync(Ip(5, i + 1), unknownUser, "Winter2024!");
                b = await TryAuthAsync(Ip(6, i + 1), accounts[i], "Winter2024!");
            }
            else
            {
                b = await TryAuthAsync(Ip(6, i + 1), accounts[i], "Winter2024!");
                a = await TryAuthAsync(Ip(5, i + 1), unknownUser, "Winter2024!");
            }

            var started = Stopwatch.GetTimestamp();
            OutboundGuard.Storage.Security.PasswordHasher.Verify("Winter2024!", stored);
            verification.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            differences.Add(a.Took.TotalMilliseconds - b.Took.TotalMilliseconds);
            replies.Add(a.Reply);
            replies.Add(b.Reply);
        }

        Assert.Equal([Invalid], replies);

        // Skipping the verification for unknown names would make the difference about one verification.
        var gap = Math.Abs(Median(differences));
        Assert.True(gap < Median(verification) / 2, $"unknown and wrong differ by {gap:F0} ms in the median; one verification takes {Median(verification):F0} ms");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
