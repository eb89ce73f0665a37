using System.Net;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// Sessions per authenticated account are limited on top of those per address: one account, from however many
/// addresses, holds at most MaxSessionsPerAccount sessions (never set below the 20 a customer's Postfix opens).
/// </summary>
public sealed class AccountSessionLimitTests(AbuseRelayFixture relay) : IClassFixture<AbuseRelayFixture>
{
    // At most AbuseRelayFixture.MaxConnectionsPerIp (5) sessions from each address, so the per-address limit never answers first.
    private static IPAddress Ip(int session) => IPAddress.Parse($"127.3.{session / 5}.{(session % 5) + 1}");

    [Fact]
    public async Task One_account_holds_at_most_its_session_limit_from_many_addresses_and_a_closed_session_frees_a_slot()
    {
        var (user, password) = await relay.Harness.AddAccountAsync($"pool{Guid.NewGuid():N}"[..14] + "@tenant.example");
        var sessions = new List<RawSmtpClient>();
        try
        {
            for (var i = 0; i < AbuseRelayFixture.MaxSessionsPerAccount; i++)
            {
                var session = await relay.SessionAsync(Ip(i));
                sessions.Add(session);
                Assert.StartsWith("235 2.7.0", await session.CommandAsync(AbuseRelayFixture.AuthPlain(user, password)), StringComparison.Ordinal);
            }

            await using (var extra = await relay.SessionAsync(Ip(AbuseRelayFixture.MaxSessionsPerAccount)))
            {
                Assert.Equal("454 4.7.0 Too many sessions for this account, try again later\r\n", await extra.CommandAsync(AbuseRelayFixture.AuthPlain(user, password)));
                Assert.StartsWith("530", await extra.CommandAsync($"MAIL FROM:<{user}>"), StringComparison.Ordinal);
            }

            Assert.StartsWith("221", await sessions[0].CommandAsync("QUIT"), StringComparison.Ordinal);
            await sessions[0].DisposeAsync();
            sessions.RemoveAt(0);
            var reply = string.Empty;
            for (var attempt = 0; attempt < 50 && !reply.StartsWith("235", StringComparison.Ordinal); attempt++)
            {
                await using var again = await relay.SessionAsync(Ip(AbuseRelayFixture.MaxSessionsPerAccount + 1));
                reply = await again.CommandAsync(AbuseRelayFixture.AuthPlain(user, password));
            }

            Assert.StartsWith("235 2.7.0", reply, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }
}
