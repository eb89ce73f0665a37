using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Faults;

/// <summary>One relay whose smarthost port is played in turn by broken servers and then by a sane one.</summary>
public sealed class SmarthostPortFixture : IAsyncLifetime
{
    public int SmarthostPort { get; } = FreePort.Next();

    public RelayHarness Harness { get; private set; } = null!;

    public string Password { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var environment = RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment());
        environment["OutboundGuard__Delivery__Smarthost__CommandTimeout"] = "00:00:02";
        environment["OutboundGuard__Delivery__Smarthost__Tls"] = "None";
        Harness = await RelayHarness.StartAsync($"127.0.0.1:{SmarthostPort}", environment);
        (_, Password) = await Harness.AddAccountAsync("smarthost@tenant.example");
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>
/// The smarthost down, slow, hanging up, answering 421 or garbage: every accepted message stays queued,
/// none is bounced or lost, and all are delivered once a sane smarthost is back on the same port.
/// </summary>
public sealed class SmarthostFaultTests(SmarthostPortFixture relay) : IClassFixture<SmarthostPortFixture>
{
    private const int Messages = 10;

    [Theory]
    [InlineData(null)]
    [InlineData(SmarthostFault.Slow)]
    [InlineData(SmarthostFault.Garbage)]
    [InlineData(SmarthostFault.HangUp)]
    [InlineData(SmarthostFault.TempFail)]
    public async Task Mail_stays_queued_through_a_broken_smarthost_and_is_delivered_when_a_sane_one_returns(SmarthostFault? fault)
    {
        var marker = $"{fault?.ToString() ?? "Down"}-{Guid.NewGuid():N}"[..20];
        FaultySmarthost? broken = fault is { } f ? new FaultySmarthost(relay.SmarthostPort, f) : null;
        try
        {
            await SendAsync(marker);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var states = await StatesAsync(marker);

            Assert.Equal(Messages, states.Count);
            Assert.All(states, s => Assert.Contains(s, new[] { "queued", "deferred", "delivering" }));
            if (broken is not null)
            {
                Assert.True(broken.Connections > 0, "the relay never tried the smarthost");
            }
        }
        finally
        {
            if (broken is not null)
            {
                await broken.DisposeAsync();
            }
        }

        await using var sink = await PostfixSmtpSink.StartAsync(relay.SmarthostPort);
        // By content, not by files: a file smtp-sink lists may still be waiting for its data.
        var delivered = await sink.WaitForMessagesContainingAsync(marker, Messages, TimeSpan.FromSeconds(60));

        Assert.Equal(Messages, delivered.Count);
        // The sink has each message once its 250 to the final dot is sent; the relay records "delivered" after
        // reading that 250, in its next grouped commit, so the row may trail the file by a moment.
        Assert.All(await SettledStatesAsync(marker, "delivered", TimeSpan.FromSeconds(15)), s => Assert.Equal("delivered", s));
        Assert.Equal(0, await relay.Harness.ScalarAsync<long>("SELECT count(*) FROM messages WHERE bounce_of IS NOT NULL"));
    }

    private async Task SendAsync(string marker)
    {
        await using var client = await RawSmtpClient.ConnectAsync(relay.Harness.SmtpEndPoint);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("235", await client.CommandAsync(AbuseRelayFixture.AuthPlain("smarthost@tenant.example", relay.Password)), StringComparison.Ordinal);
        for (var i = 0; i < Messages; i++)
        {
            await client.CommandAsync("MAIL FROM:<smarthost@tenant.example>");
            await client.CommandAsync($"RCPT TO:<rcpt{i}@example.org>");
            await client.CommandAsync("DATA");
            Assert.StartsWith("250 2.0.0", await client.CommandAsync($"Subject: {marker} {i}\r\n\r\nInvoice {i}\r\n."), StringComparison.Ordinal);
        }
    }

    /// <summary>The messages' states once all are <paramref name="expected"/>, or as they are when <paramref name="within"/> runs out.</summary>
    private async Task<List<string>> SettledStatesAsync(string marker, string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var states = await StatesAsync(marker);
            if (states.All(s => s == expected) || DateTime.UtcNow > deadline)
            {
                return states;
            }

            await Task.Delay(100);
        }
    }

    private async Task<List<string>> StatesAsync(string marker)
    {
        var states = new List<string>();
        await using var command = relay.Harness.DataSource.CreateCommand("SELECT state FROM messages WHERE subject LIKE $1");
        command.Parameters.AddWithValue(marker + " %");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }
}
