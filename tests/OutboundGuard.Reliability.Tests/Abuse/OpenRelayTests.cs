using System.Net;
using OutboundGuard.Reliability.Tests.Support;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Abuse;

/// <summary>
/// Open-relay attempts against the real relay process: nobody without an identity, and no identity outside
/// its tenant, gets a message into the spool or to the downstream sink.
/// </summary>
public sealed class OpenRelayTests(AbuseRelayFixture relay) : IClassFixture<AbuseRelayFixture>
{
    [Theory]
    [InlineData("MAIL FROM:<mallory@victim.example>")]
    [InlineData("MAIL FROM:<alice@tenant.example> AUTH=<alice@tenant.example>")]
    [InlineData("MAIL FROM:<alice@tenant.example> AUTH=alice@tenant.example")]
    [InlineData("MAIL FROM:<@relay.test,@tenant.example:mallory@victim.example>")]
    [InlineData("MAIL FROM:<mallory%victim.example@tenant.example>")]
    [InlineData("MAIL FROM:<\"mallory@victim.example\"@tenant.example>")]
    [InlineData("MAIL FROM:<>")]
    public async Task An_unauthenticated_client_on_an_unmapped_address_cannot_start_a_transaction(string mail)
    {
        var marker = "openrelay" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.77"));

        var reply = await client.CommandAsync(mail);
        var rcpt = await client.CommandAsync($"RCPT TO:<{marker}%victim.example@victim.example>");
        var data = await client.CommandAsync("DATA");

        // A forged AUTH= parameter (RFC 4954 §5) is no identity: the reply is 530 like any other MAIL without one.
        Assert.Equal("530 5.7.0 Authentication required\r\n", reply);
        Assert.StartsWith("503 5.5.1", rcpt, StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", data, StringComparison.Ordinal);
        Assert.Equal(0, await relay.MessagesMentioningAsync(marker));
    }

    [Fact]
    public async Task A_percent_hack_recipient_does_not_open_the_relay_to_a_client_without_identity()
    {
        var marker = "pct" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.78"));

        var mail = await client.CommandAsync("MAIL FROM:<postmaster@tenant.example>");
        var rcpt = await client.CommandAsync($"RCPT TO:<{marker}%victim.example@tenant.example>");

        Assert.StartsWith("530 5.7.0", mail, StringComparison.Ordinal);
        Assert.StartsWith("503 5.5.1", rcpt, StringComparison.Ordinal);
        Assert.Equal(0, await relay.MessagesMentioningAsync(marker));
    }

    [Theory]
    [InlineData("mallory@victim.example")]
    [InlineData("\"alice@tenant.example\"@victim.example")]
    [InlineData("@tenant.example:mallory@victim.example")]
    [InlineData("alice@tenant.example.victim.example")]
    [InlineData("alice@eviltenant.example")]
    [InlineData("alice%tenant.example@victim.example")]
    public async Task An_authenticated_account_cannot_send_as_an_address_outside_its_tenant(string sender)
    {
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.79"));
        Assert.StartsWith("235 2.7.0", await client.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword)), StringComparison.Ordinal);

        var reply = await client.CommandAsync($"MAIL FROM:<{sender}>");

        Assert.StartsWith("550 5.7.1 Sender ", reply, StringComparison.Ordinal);
        Assert.Contains("is not within tenant tenant.example", reply, StringComparison.Ordinal);
        Assert.Equal(0, await relay.Harness.ScalarAsync<long>("SELECT count(*) FROM messages WHERE envelope_from ILIKE '%victim.example%' OR envelope_from ILIKE '%eviltenant%'"));
    }

    [Theory]
    [InlineData("<mallory@victim.example>")]
    [InlineData("<>")]
    [InlineData("<\"someone@connector.example\"@victim.example>")]
    public async Task A_connector_address_may_only_send_as_its_own_tenant(string sender)
    {
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.9"));

        var reply = await client.CommandAsync($"MAIL FROM:{sender}");

        Assert.Equal("550 5.7.1 Connector of tenant connector.example may only send as addresses within it\r\n", reply);
    }

    [Fact]
    public async Task A_connector_range_does_not_extend_to_the_neighbouring_address()
    {
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.10"));

        var reply = await client.CommandAsync("MAIL FROM:<someone@connector.example>");

        Assert.Equal("530 5.7.0 Authentication required\r\n", reply);
    }

    [Fact]
    public async Task A_source_routed_or_quoted_sender_inside_the_tenant_is_relayed_with_the_route_dropped()
    {
        var marker = "route" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await relay.SessionAsync(IPAddress.Parse("127.0.0.80"));
        await client.CommandAsync(AbuseRelayFixture.AuthPlain(AbuseRelayFixture.Alice, relay.AlicePassword));

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<@hop.victim.example:alice@tenant.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<@hop.victim.example:{marker}@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        var reply = await client.CommandAsync($"From: alice@tenant.example\r\nSubject: {marker}\r\n\r\nbody\r\n.");

        Assert.StartsWith("250 2.0.0", reply, StringComparison.Ordinal);
        var delivered = await relay.Sink.WaitForMessageContainingAsync(marker, TimeSpan.FromSeconds(30));
        Assert.NotNull(delivered);
        Assert.Contains($"{marker}@example.org", delivered, StringComparison.Ordinal);
        Assert.DoesNotContain("hop.victim.example", delivered, StringComparison.Ordinal);
    }
}
