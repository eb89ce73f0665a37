using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// <see cref="SmtpSessionRegistry.EndSessionsOf"/>: what the relay layer calls when an account is suspended.
/// </summary>
public class SessionEndTests
{
    private const string Suspended = "421 4.7.1 Sending account suspended; closing connection\r\n";

    [Fact]
    public async Task A_session_waiting_for_a_command_gets_421_and_is_closed_and_other_accounts_sessions_go_on()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var registry = server.Services.GetRequiredService<SmtpSessionRegistry>();
        await using var alice = await server.ConnectAndGreetAsync();
        await using var carol = await server.ConnectAndGreetAsync();
        Assert.StartsWith("250 ", await alice.CommandAsync("MAIL FROM:<alice@tenant.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250 ", await carol.CommandAsync("MAIL FROM:<carol@tenant.example>"), StringComparison.Ordinal);

        Assert.Equal(1, registry.EndSessionsOf("Alice@Tenant.example"));

        Assert.Equal(Suspended, await alice.ReadReplyAsync());
        Assert.True(await alice.IsClosedByServerAsync());
        Assert.StartsWith("250 ", await carol.CommandAsync("RCPT TO:<bob@example.org>"), StringComparison.Ordinal);
        Assert.Equal(1, await WaitForCountAsync(registry, 1));
    }

    [Fact]
    public async Task A_message_in_DATA_is_received_and_answered_before_the_session_ends()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var registry = server.Services.GetRequiredService<SmtpSessionRegistry>();
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        await client.SendAsync("Subject: minutes\r\n\r\nfirst half\r\n");

        Assert.Equal(1, registry.EndSessionsOf("alice@tenant.example"));
        Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(300)));

        await client.SendAsync("second half\r\n.\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal(Suspended, await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal("Subject: minutes\r\n\r\nfirst half\r\nsecond half\r\n", Encoding.ASCII.GetString((await server.Relay.NextMessageAsync()).Content));
    }

    [Fact]
    public async Task A_message_between_BDAT_chunks_is_finished_before_the_session_ends()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var registry = server.Services.GetRequiredService<SmtpSessionRegistry>();
        await using var client = await server.ConnectAndGreetAsync();
        await client.CommandAsync("MAIL FROM:<alice@tenant.example>");
        await client.CommandAsync("RCPT TO:<bob@example.org>");
        await client.SendAsync("BDAT 9\r\nSubject: ");
        Assert.Equal("250 2.0.0 9 octets received\r\n", await client.ReadReplyAsync());

        Assert.Equal(1, registry.EndSessionsOf("alice@tenant.example"));
        Assert.True(await client.IsSilentForAsync(TimeSpan.FromMilliseconds(300)));

        await client.SendAsync("BDAT 8 LAST\r\nx\r\n\r\nb\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
        Assert.Equal(Suspended, await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task An_authenticated_session_is_matched_by_its_account_without_a_transaction()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.AllowAuthWithoutTls = true, relaySetup: r => r.ConnectorIdentity = null);
        var registry = server.Services.GetRequiredService<SmtpSessionRegistry>();
        await using var client = await server.ConnectAndGreetAsync();
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice@tenant.example\0correct horse"));
        Assert.StartsWith("235 ", await client.CommandAsync("AUTH PLAIN " + token), StringComparison.Ordinal);

        Assert.Equal(0, registry.EndSessionsOf("carol@tenant.example"));
        Assert.Equal(1, registry.EndSessionsOf("alice@tenant.example"));
        Assert.Equal(Suspended, await client.ReadReplyAsync());
    }

    /// <summary>Sessions are removed as they end; waits (up to 5 s) for the count to come down to <paramref name="expected"/>.</summary>
    private static async Task<int> WaitForCountAsync(SmtpSessionRegistry registry, int expected)
    {
        for (var i = 0; i < 250 && registry.Count != expected; i++)
        {
            await Task.Delay(20);
        }

        return registry.Count;
    }
}
