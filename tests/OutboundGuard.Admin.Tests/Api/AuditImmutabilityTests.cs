using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

/// <summary>Audit entries cannot be altered through the API, not even by an admin.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditImmutabilityTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_cannot_change_or_delete_audit_entries_through_the_api()
    {
        var (account, _) = await Seed.SuspendedAccountAsync(_host);
        using var admin = await _host.ClientAsync("admin");
        var entries = await admin.GetFromJsonAsync<List<JsonElement>>($"/api/audit?target={account.Address}");
        var id = entries!.First().GetProperty("id").GetInt64();

        var attempts = new[]
        {
            await admin.DeleteAsync($"/api/audit/{id}"),
            await admin.PutAsJsonAsync($"/api/audit/{id}", new { actor = "nobody" }),
            await admin.PostAsJsonAsync("/api/audit", new { actor = "nobody", action = "forged", target = account.Address }),
            await admin.DeleteAsync("/api/audit"),
        };

        Assert.All(attempts, r => Assert.True(r.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri}: {r.StatusCode}"));
        var after = await admin.GetFromJsonAsync<List<JsonElement>>($"/api/audit?target={account.Address}");
        Assert.Equal(entries!.Count, after!.Count);
        Assert.DoesNotContain(after, e => e.GetProperty("action").GetString() == "forged");
    }
}
