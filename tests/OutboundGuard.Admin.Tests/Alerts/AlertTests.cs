using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Alerts;
using OutboundGuard.Testing.Postgres;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Admin.Tests.Alerts;

[Collection(PostgresCollection.Name)]
public sealed class AlertTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_suspension_posts_a_webhook_retried_after_the_receiver_first_fails()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 1);
        await using var host = await AdminHost.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["OutboundGuard:Admin:Alerts:WebhookUrl"] = receiver.Url.ToString(),
            ["OutboundGuard:Admin:Alerts:EmailEnabled"] = "false",
            ["OutboundGuard:Admin:Alerts:InitialRetryDelay"] = "00:00:00.200",
        });

        var (account, _) = await Seed.SuspendedAccountAsync(host, held: 0);

        var body = await Eventually.ValueAsync(() => Task.FromResult(receiver.Received.TryPeek(out var b) ? b : null), "the webhook");
        using var alert = JsonDocument.Parse(body);
        Assert.Equal("account.suspended", alert.RootElement.GetProperty("event").GetString());
        Assert.Equal(account.Address, alert.RootElement.GetProperty("account").GetString());
        Assert.Equal("policy", alert.RootElement.GetProperty("actor").GetString());
        Assert.Contains(Seed.Evidence, alert.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, receiver.Requests);
        var changeId = alert.RootElement.GetProperty("changeId").GetInt64();
        var status = await Eventually.ValueAsync<object>(async () => await host.Get<AlertLogRepository>().StatusAsync(changeId, "webhook") is { SentAt: not null } s ? s : null, "the sent record");
        Assert.Equal(2, (((int Attempts, string? LastError, DateTimeOffset? SentAt)?)status)!.Value.Attempts);
    }

    [Fact]
    public async Task A_suspension_emails_the_tenant_admin_retried_until_the_smtp_server_is_up()
    {
        var port = FreePort.Next();
        await using var host = await AdminHost.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["OutboundGuard:Admin:Alerts:Smtp:Host"] = "127.0.0.1",
            ["OutboundGuard:Admin:Alerts:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OutboundGuard:Admin:Alerts:From"] = "alerts@relay.example",
            ["OutboundGuard:Admin:Alerts:InitialRetryDelay"] = "00:00:00.200",
            ["OutboundGuard:Admin:Alerts:MaxRetryDelay"] = "00:00:00.500",
            ["OutboundGuard:Admin:Alerts:MaxAttempts"] = "100",
        });

        var (account, _) = await Seed.SuspendedAccountAsync(host, held: 0, adminEmail: "postmaster@tenant.example");
        var change = await host.Get<AlertLogRepository>().LatestChangeAsync(account.Id);
        await Eventually.TrueAsync(async () => await host.Get<AlertLogRepository>().StatusAsync(change!.Id, "email") is { Attempts: >= 1, LastError: not null }, "a first, refused attempt");
        await using var sink = await PostfixSmtpSink.StartAsync(port);

        var message = await sink.WaitForMessageContainingAsync(account.Address, TimeSpan.FromSeconds(30));

        Assert.NotNull(message);
        Assert.Contains("postmaster@tenant.example", message, StringComparison.Ordinal);
        Assert.Contains("alerts@relay.example", message, StringComparison.Ordinal);
        Assert.Contains(Seed.Evidence, message, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => await host.Get<AlertLogRepository>().StatusAsync(change!.Id, "email") is { SentAt: not null, Attempts: >= 2 }, "the sent record");
    }

    [Fact]
    public async Task Two_nodes_send_one_alert_per_state_change()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 0);
        var settings = new Dictionary<string, string?> { ["OutboundGuard:Admin:Alerts:WebhookUrl"] = receiver.Url.ToString() };
        await using var first = await AdminHost.StartAsync(postgres, settings);
        await using var second = new SecondNode(await AdminHostOnSameDatabase.StartAsync(first, settings));

        var (account, _) = await Seed.SuspendedAccountAsync(first, held: 0);
        await Eventually.TrueAsync(() => Task.FromResult(!receiver.Received.IsEmpty), "the webhook");
        await using (var connection = await first.DataSource.OpenConnectionAsync())
        await using (var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM alerts_sent", connection))
        {
            Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
        }

        Assert.Single(receiver.Received);
        Assert.Contains(account.Address, receiver.Received.Single(), StringComparison.Ordinal);
    }

    private sealed class SecondNode(Microsoft.AspNetCore.Builder.WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
