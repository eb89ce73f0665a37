using System.Net;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Smtp;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// The relay remembers recent AUTH outcomes and refuses suspended and throttled accounts from its cached state: a
/// reconnecting MTA, a repeated guess and a suspended account's flood cost no Argon2id verification (measured as the
/// relay process's CPU time against that of verifications made at the same moment), while changes made elsewhere (this
/// test process writes and announces them as another node would) take effect at once.
/// </summary>
public sealed class AuthCacheTests(AbuseRelayFixture relay, ITestOutputHelper output) : IClassFixture<AbuseRelayFixture>
{
    private const string Invalid = "535 5.7.8 Authentication credentials invalid\r\n";
    private const int Repeats = 10;

    private static IPAddress Ip(int b, int c) => IPAddress.Parse($"127.1.{b}.{c}");

    private AccountRepository Accounts => new(relay.Harness.DataSource);

    private TimeSpan RelayCpu => ProcStatus.ReadCpuTime(relay.Harness.Relay.ProcessId);

    private async Task<string> AuthAsync(IPAddress from, string user, string password)
    {
        await using var client = await relay.SessionAsync(from);
        return await client.CommandAsync(AbuseRelayFixture.AuthPlain(user, password));
    }

    private async Task<(string Auth, string MailFrom)> AuthAndMailFromAsync(IPAddress from, string user, string password)
    {
        await using var client = await relay.SessionAsync(from);
        var auth = await client.CommandAsync(AbuseRelayFixture.AuthPlain(user, password));
        return (auth, auth.StartsWith("235", StringComparison.Ordinal) ? await client.CommandAsync($"MAIL FROM:<{user}>") : string.Empty);
    }

    /// <summary>Repeats <paramref name="attempt"/> until its reply starts with <paramref name="expected"/>: an announcement takes a moment to arrive.</summary>
    private static async Task<string> UntilAsync(string expected, Func<int, Task<string>> attempt)
    {
        var reply = string.Empty;
        for (var i = 0; i < 50 && !reply.StartsWith(expected, StringComparison.Ordinal); i++)
        {
            reply = await attempt(i);
        }

        return reply;
    }

    /// <summary>CPU of the relay per AUTH with a wrong password never tried before (one verification each), measured now.</summary>
    private async Task<TimeSpan> VerificationCpuAsync(string user, int network)
    {
        var before = RelayCpu;
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(Invalid, await AuthAsync(Ip(network, i), user, $"Never-Tried-{Guid.NewGuid():N}"));
        }

        return (RelayCpu - before) / 5;
    }

    private async Task<string> NewAccountAsync(string prefix, string password)
    {
        var (address, _) = await relay.Harness.AddAccountAsync($"{prefix}{Guid.NewGuid():N}"[..16] + "@tenant.example", password);
        return address;
    }

    [Fact]
    public async Task A_right_password_or_the_same_wrong_guess_repeated_costs_no_second_verification()
    {
        const string password = "Reconnecting-Mta-2024";
        var user = await NewAccountAsync("mta", password);
        var verification = await VerificationCpuAsync(user, 10);

        Assert.StartsWith("235 2.7.0", await AuthAsync(Ip(11, 1), user, password), StringComparison.Ordinal);
        var before = RelayCpu;
        for (var i = 0; i < Repeats; i++)
        {
            Assert.StartsWith("235 2.7.0", await AuthAsync(Ip(11, 1), user, password), StringComparison.Ordinal);
        }

        var remembered = (RelayCpu - before) / Repeats;

        // The same guess from ever new addresses (so no lock-out stops it first): the first costs a verification, the others none.
        Assert.Equal(Invalid, await AuthAsync(Ip(12, 1), user, "Same-Wrong-Guess"));
        before = RelayCpu;
        for (var i = 2; i <= Repeats + 1; i++)
        {
            Assert.Equal(Invalid, await AuthAsync(Ip(12, i), user, "Same-Wrong-Guess"));
        }

        var repeated = (RelayCpu - before) / Repeats;
        output.WriteLine($"relay CPU per AUTH session: verified {verification.TotalMilliseconds:F1} ms, remembered success {remembered.TotalMilliseconds:F1} ms, repeated wrong guess {repeated.TotalMilliseconds:F1} ms");

        Assert.True(remembered < verification / 2, $"a remembered success costs {remembered.TotalMilliseconds:F1} ms of CPU; a verification {verification.TotalMilliseconds:F1} ms");
        Assert.True(repeated < verification / 2, $"a repeated wrong guess costs {repeated.TotalMilliseconds:F1} ms of CPU; a verification {verification.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public async Task A_password_changed_on_another_node_replaces_the_remembered_one_at_once()
    {
        const string password = "First-Password-2024";
        var user = await NewAccountAsync("change", password);
        Assert.StartsWith("235 2.7.0", await AuthAsync(Ip(20, 1), user, password), StringComparison.Ordinal);
        var account = (await Accounts.FindAsync(user))!;

        Assert.True(await Accounts.SetPasswordAsync(account.Id, "Second-Password-2024", "ops@example", "rotated"));

        Assert.Equal(Invalid, await UntilAsync("535", i => AuthAsync(Ip(21, i + 1), user, password)));
        Assert.StartsWith("235 2.7.0", await AuthAsync(Ip(20, 3), user, "Second-Password-2024"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_account_reconnecting_is_refused_at_MAIL_FROM_without_a_verification_each_time_and_reinstatement_lets_it_send()
    {
        const string password = "Hijacked-Account-2024";
        var user = await NewAccountAsync("susp", password);
        Assert.StartsWith("250", (await AuthAndMailFromAsync(Ip(30, 1), user, password)).MailFrom, StringComparison.Ordinal);
        var account = (await Accounts.FindAsync(user))!;

        await Accounts.ChangeStateAsync(new AccountStateChangeRequest(account.Id, AccountState.Suspended, "suspected abuse", "ops@example") { HoldQueuedMail = true });
        Assert.StartsWith("550 5.7.1", await UntilAsync("550", async _ => (await AuthAndMailFromAsync(Ip(30, 1), user, password)).MailFrom), StringComparison.Ordinal);
        var verification = await VerificationCpuAsync(user, 31);
        var before = RelayCpu;
        for (var i = 0; i < Repeats; i++)
        {
            Assert.StartsWith("550 5.7.1", (await AuthAndMailFromAsync(Ip(30, 1), user, password)).MailFrom, StringComparison.Ordinal);
        }

        var refusal = (RelayCpu - before) / Repeats;
        output.WriteLine($"relay CPU per suspended session (AUTH, MAIL FROM refused): {refusal.TotalMilliseconds:F1} ms; per verified AUTH {verification.TotalMilliseconds:F1} ms");

        await Accounts.ChangeStateAsync(new AccountStateChangeRequest(account.Id, AccountState.Active, "reviewed", "ops@example"));
        Assert.StartsWith("250", await UntilAsync("250", async _ => (await AuthAndMailFromAsync(Ip(30, 1), user, password)).MailFrom), StringComparison.Ordinal);
        Assert.True(refusal < verification / 2, $"a refusal costs {refusal.TotalMilliseconds:F1} ms of CPU; a verification {verification.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public async Task A_throttled_account_is_refused_at_MAIL_FROM_and_its_refused_attempts_are_counted_without_extending_the_cool_down()
    {
        const string password = "Throttled-Account-2024";
        var user = await NewAccountAsync("thr", password);
        var account = (await Accounts.FindAsync(user))!;
        var until = DateTimeOffset.UtcNow.AddSeconds(4);
        await Accounts.ChangeStateAsync(new AccountStateChangeRequest(account.Id, AccountState.Throttled, "pace", "policy") { ThrottledUntil = until });

        var refused = 0;
        for (var i = 0; i < 5; i++)
        {
            var (_, mailFrom) = await AuthAndMailFromAsync(Ip(40, 1), user, password);
            Assert.StartsWith("451 4.7.1", mailFrom, StringComparison.Ordinal);
            refused++;
        }

        var stored = await relay.Harness.ScalarAsync<DateTime>($"SELECT throttled_until FROM accounts WHERE id = {account.Id}");
        while (DateTimeOffset.UtcNow < until.AddMilliseconds(200))
        {
            await Task.Delay(100);
        }

        var (_, released) = await AuthAndMailFromAsync(Ip(40, 1), user, password);
        var reason = await relay.Harness.ScalarAsync<string>($"SELECT reason FROM account_state_history WHERE account_id = {account.Id} ORDER BY id DESC LIMIT 1");

        Assert.True(Math.Abs((new DateTimeOffset(stored, TimeSpan.Zero) - until).TotalMilliseconds) < 1, $"the cool-down moved to {stored:O}");
        Assert.StartsWith("250", released, StringComparison.Ordinal);
        Assert.Equal($"throttle cool-down ended; {refused} attempt(s) refused during it", reason);
    }
}
