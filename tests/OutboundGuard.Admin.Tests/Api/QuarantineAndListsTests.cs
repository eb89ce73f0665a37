using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class QuarantineAndListsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_held_message_is_shown_with_headers_text_and_HTML_only_as_source()
    {
        var (_, held) = await Seed.SuspendedAccountAsync(_host, held: 1);
        using var viewer = await _host.ClientAsync("viewer");

        using var view = JsonDocument.Parse(await viewer.GetStringAsync($"/api/quarantine/{held[0]}"));

        var content = view.RootElement.GetProperty("content");
        Assert.Contains(content.GetProperty("headers").EnumerateArray(), h => h.GetProperty("key").GetString() == "Subject" && h.GetProperty("value").GetString() == "Verify your account");
        Assert.Contains("your mailbox is full", content.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("<script>alert('x')</script>", content.GetProperty("htmlSource").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", content.GetProperty("fingerprint").GetString()!);
    }

    [Fact]
    public async Task Release_sets_the_message_queued_announces_it_and_is_audited()
    {
        var (_, held) = await Seed.SuspendedAccountAsync(_host, held: 2);
        using var op = await _host.ClientAsync("operator");
        await using var listener = await _host.DataSource.OpenConnectionAsync();
        var notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, _) => notified.TrySetResult();
        await listener.ExecuteAsync($"LISTEN {Storage.Spool.SpooledMessageRepository.QueuedChannel}");

        (await op.PostAsJsonAsync($"/api/quarantine/{held[0]}/release", new { reason = "legitimate invoice" })).EnsureSuccessStatusCode();
        (await op.PostAsJsonAsync($"/api/quarantine/{held[1]}/delete", new { reason = "phishing" })).EnsureSuccessStatusCode();
        await listener.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(notified.Task.IsCompleted, "no NOTIFY on the queued channel");
        await using var connection = await _host.DataSource.OpenConnectionAsync();
        Assert.Equal("queued", await connection.ExecuteScalarAsync<string>("SELECT state FROM messages WHERE id = @id", new { id = held[0] }));
        Assert.Equal("deleted", await connection.ExecuteScalarAsync<string>("SELECT state FROM messages WHERE id = @id", new { id = held[1] }));
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync(held[0].ToString()), e => e.Action == "message.release" && e.Reason == "legitimate invoice");
        Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsJsonAsync($"/api/quarantine/{held[0]}/release", new { reason = "again" })).StatusCode);
    }

    [Fact]
    public async Task Bulk_delete_applies_to_every_held_message_given()
    {
        var (_, held) = await Seed.SuspendedAccountAsync(_host, held: 3);
        using var op = await _host.ClientAsync("operator");

        var response = await op.PostAsJsonAsync("/api/quarantine/bulk", new { ids = held, action = "delete", reason = "campaign confirmed" });

        response.EnsureSuccessStatusCode();
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, result.RootElement.GetProperty("ids").GetArrayLength());
    }

    [Fact]
    public async Task A_blocked_URL_domain_is_stored_and_reaches_the_live_lists()
    {
        using var op = await _host.ClientAsync("operator");

        (await op.PostAsJsonAsync("/api/url-lists/block", new { domain = "Evil-Login.example.", reason = "phishing kit" })).EnsureSuccessStatusCode();
        (await op.PostAsJsonAsync("/api/url-lists/allow", new { domain = "partner.example" })).EnsureSuccessStatusCode();

        // Published, and applied by this node's scoring subscriber as by every other node's.
        await Eventually.TrueAsync(() => Task.FromResult(_host.Urls.Blocklist.Contains("evil-login.example") && _host.Urls.Allowlist.Contains("partner.example")), "the lists in scoring");
        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync("/api/url-lists/block/evil-login.example?reason=mistake")).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(!_host.Urls.Blocklist.Contains("evil-login.example")), "the removal in scoring");
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync("evil-login.example"), e => e.Action == "urllist.block.add" && e.Reason == "phishing kit");
    }

    [Fact]
    public async Task Alert_settings_are_stored_and_validated()
    {
        using var admin = await _host.ClientAsync("admin");
        using var op = await _host.ClientAsync("operator");

        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync("/api/alerts/settings", new { webhookUrl = "http://127.0.0.1:9/hook" })).StatusCode);
        var bad = await admin.PutAsJsonAsync("/api/alerts/settings", new { webhookUrl = "ftp://x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("webhookUrl", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        (await admin.PutAsJsonAsync("/api/alerts/settings", new { webhookUrl = "http://127.0.0.1:9/hook", emailEnabled = false, reason = "new receiver" })).EnsureSuccessStatusCode();

        var settings = await op.GetFromJsonAsync<global::OutboundGuard.Admin.Alerts.AlertSettingsView>("/api/alerts/settings");
        Assert.Equal(("http://127.0.0.1:9/hook", false), (settings!.WebhookUrl, settings.EmailEnabled));
    }
}
