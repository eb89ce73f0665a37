using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OutboundGuard.Delivery.Routes;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SinkAndRoutingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Without_a_smarthost_messages_land_in_the_sink_folder_with_their_envelope_and_are_listed()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        await harness.StartAsync();
        var content = Encoding.ASCII.GetBytes("From: <a@tenant.test>\r\nSubject: first\r\n\r\nbare\nlf\r\n");

        var id = await harness.SpoolAsync("a@tenant.test", ["b@example.org", "c@example.org"], content);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery into the sink");
        var sink = new SinkRoute(Options.Create(harness.Options), TimeProvider.System, NullLogger<SinkRoute>.Instance);
        var listed = Assert.Single(await sink.ListAsync());
        Assert.Equal((id, "a@tenant.test"), (listed.MessageId, listed.EnvelopeFrom));
        Assert.Equal(["b@example.org", "c@example.org"], listed.Recipients);
        Assert.Equal(Path.Combine(harness.Options.SinkDirectory, DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), id.ToString("D") + ".eml"), listed.Path);
        Assert.Equal("From: <a@tenant.test>\r\nSubject: first\r\n\r\nbare\r\nlf\r\n", await File.ReadAllTextAsync(listed.Path));
        Assert.True(File.Exists(Path.ChangeExtension(listed.Path, ".json")));
        var attempt = Assert.Single(await harness.AttemptsAsync(id), a => a.Recipient == "b@example.org");
        Assert.Equal(("sink", "accepted", 250), (attempt.Route, attempt.Outcome, attempt.Code));
    }

    [Fact]
    public async Task A_high_risk_message_goes_to_the_high_risk_smarthost_when_one_is_configured()
    {
        await using var normal = new ScriptedSmtpServer();
        await using var highRisk = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(normal.Port);
            o.HighRiskSmarthost = DeliveryHarness.Loopback(highRisk.Port);
        });
        await harness.StartAsync();

        var risky = await harness.SpoolAsync("a@tenant.test", ["b@example.org"], TestMessages.Simple("a@tenant.test", "b@example.org", "risky"), route: "high-risk");
        await harness.SpoolAsync("a@tenant.test", ["c@example.org"], TestMessages.Simple("a@tenant.test", "c@example.org", "normal"));

        await harness.WaitUntilAsync(rows => rows.All(r => r.State == "delivered"), what: "both delivered");
        Assert.Equal(["b@example.org"], Assert.Single(highRisk.Received).Recipients);
        Assert.Equal(["c@example.org"], Assert.Single(normal.Received).Recipients);
        Assert.All(await harness.AttemptsAsync(risky), a => Assert.Equal("high-risk", a.Route));
    }

    [Fact]
    public async Task A_high_risk_message_without_its_own_smarthost_goes_by_the_default_route()
    {
        await using var normal = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(normal.Port));
        await harness.StartAsync();

        var risky = await harness.SpoolAsync("a@tenant.test", ["b@example.org"], TestMessages.Simple("a@tenant.test", "b@example.org", "risky"), route: "high-risk");

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery by the default route");
        Assert.Single(normal.Received);
        Assert.All(await harness.AttemptsAsync(risky), a => Assert.Equal("default", a.Route));
    }

    [Fact]
    public async Task A_lost_spool_file_fails_the_message_and_tells_the_sender()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        var id = await harness.SpoolAsync("a@tenant.test", ["b@example.org"], TestMessages.Simple("a@tenant.test", "b@example.org", "lost"));
        File.Delete((await harness.RowAsync(id)).SpoolPath);
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State is "bounced" or "delivered"), what: "the sender told");
        var dsn = MimeKit.MimeMessage.Load(new MemoryStream(Assert.Single(server.Received).Data));
        Assert.Contains("lost in the relay's spool", dsn.TextBody, StringComparison.Ordinal);
    }
}
