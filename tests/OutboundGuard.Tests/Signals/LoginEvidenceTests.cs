using MailKit.Security;
using Xunit;

namespace OutboundGuard.Tests.Signals;

/// <summary>
/// Logins as evidence over real sockets: failed AUTHs counted per account from any address, a successful AUTH after a
/// failure burst or from a client network the account never used raising its scrutiny, and a front end's network saying
/// nothing. Client addresses are loopback aliases (127.0.0.0/8), each /24 a network.
/// </summary>
public sealed class LoginEvidenceTests(SignalsFixture relay) : IClassFixture<SignalsFixture>
{
    private static string NewAddress(string who) => $"{who}{Guid.NewGuid():N}"[..14] + "@logins.example";

    [Fact]
    public async Task A_login_after_a_burst_of_failures_from_many_addresses_puts_its_messages_under_scrutiny_without_suspending()
    {
        var address = NewAddress("stuffed");
        var password = await relay.AddEstablishedAccountAsync(address);

        // Credential stuffing: 3 AUTH attempts with wrong passwords from each of 4 addresses.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(async n =>
        {
            using var client = await relay.ConnectAsync($"127.0.10.{n}");
            for (var i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(address, $"guess-{n}-{i}"));
            }
        }));

        using (var client = await relay.ConnectAsync("127.0.11.9", address, password))
        {
            Assert.Equal(250, await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, ["partner@example.org"], "Order confirmation", DateTimeOffset.UtcNow)));
            await client.DisconnectAsync(true);
        }

        // The account's first AUTH ever is no new network; the burst before it is the news.
        var evidence = await relay.EvidenceAsync(address);
        // MailKit tries PLAIN, then LOGIN, and the fifth failure for the user from one address locks that address out: 20 reach
        // the relay's check, from the 4 addresses.
        Assert.Contains(evidence, t => t.StartsWith("AUTH from 127.0.11.9 after 20 failures in 10 min from 4 addresses; under scrutiny until ", StringComparison.Ordinal));
        Assert.DoesNotContain(evidence, t => t.StartsWith("first AUTH", StringComparison.Ordinal));
        Assert.Equal("active", await relay.StateAsync(address));
    }

    [Fact]
    public async Task A_login_from_a_network_the_account_never_used_is_news_only_after_its_first_day()
    {
        var address = NewAddress("traveller");
        var password = await relay.AddEstablishedAccountAsync(address);
        var start = relay.ReserveTime(TimeSpan.FromDays(2));
        await relay.MoveClockAsync(start);

        // First day: the office and the home network are learned without a finding.
        await SendFromAsync("127.0.20.5", address, password, start, "From the office");
        await SendFromAsync("127.0.21.5", address, password, start.AddMinutes(5), "From home");
        Assert.DoesNotContain(await relay.EvidenceAsync(address), t => t.Contains("AUTH", StringComparison.Ordinal));

        // A day later: a known network is no news, a network never used is.
        await SendFromAsync("127.0.21.6", address, password, start.AddHours(25), "From home again");
        Assert.DoesNotContain(await relay.EvidenceAsync(address), t => t.Contains("AUTH", StringComparison.Ordinal));
        await SendFromAsync("127.0.22.5", address, password, start.AddHours(25).AddMinutes(1), "From abroad");

        var evidence = await relay.EvidenceAsync(address);
        Assert.Contains(evidence, t => t.StartsWith("first AUTH from 127.0.22.0/24; under scrutiny until ", StringComparison.Ordinal));
        Assert.Equal("active", await relay.StateAsync(address));
    }

    [Fact]
    public async Task A_login_through_a_registered_front_end_says_nothing_about_the_network()
    {
        var frontEnd = $"webmail{Guid.NewGuid():N}"[..15] + ".example";
        var (code, stdout, stderr) = await relay.CliAsync("tenants", "add", frontEnd, "--connector-ip", "127.0.30.0/24");
        Assert.True(code == 0, stdout + stderr);
        var address = NewAddress("webmailer");
        var password = await relay.AddEstablishedAccountAsync(address);
        var start = relay.ReserveTime(TimeSpan.FromDays(2));
        await relay.MoveClockAsync(start);
        await SendFromAsync("127.0.31.5", address, password, start, "From the desktop client");
        await SendFromAsync("127.0.31.5", address, password, start.AddHours(25), "From the desktop client, a day later");

        // The webmail front end's address is in a connector range: its network is the front end's, not the user's.
        await SendFromAsync("127.0.30.7", address, password, start.AddHours(25).AddMinutes(1), "From webmail");
        Assert.DoesNotContain(await relay.EvidenceAsync(address), t => t.Contains("AUTH", StringComparison.Ordinal));

        // The same user from a network of its own that it never used is news.
        await SendFromAsync("127.0.32.7", address, password, start.AddHours(25).AddMinutes(2), "From a hotel");
        Assert.Contains(await relay.EvidenceAsync(address), t => t.StartsWith("first AUTH from 127.0.32.0/24", StringComparison.Ordinal));
    }

    private async Task SendFromAsync(string from, string address, string password, DateTimeOffset at, string subject)
    {
        using var client = await relay.ConnectAsync(from, address, password);
        Assert.Equal(250, await SignalsFixture.SendAsync(client, SignalsFixture.Message(address, ["colleague@example.org"], subject, at)));
        await client.DisconnectAsync(true);
    }
}
