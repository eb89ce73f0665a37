using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class HistoryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task History_is_searchable_by_account_sender_recipient_subject_state_and_time()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host, held: 3);
        using var viewer = await _host.ClientAsync("viewer");
        var domain = "@" + account.Tenant;

        async Task<List<JsonElement>> SearchAsync(string query)
        {
            var rows = await viewer.GetFromJsonAsync<List<JsonElement>>("/api/history?" + query);
            return rows!;
        }

        Assert.Equal(3, (await SearchAsync($"account={account.Address}")).Count);
        Assert.Equal(3, (await SearchAsync($"sender={Uri.EscapeDataString(domain)}&tenant={account.Tenant}")).Count);
        var one = await SearchAsync($"account={account.Address}&recipient=VICTIM1@example.org");
        Assert.Equal(held[1], one.Single().GetProperty("id").GetGuid());
        Assert.Equal("Quarantine", one.Single().GetProperty("action").GetString());
        Assert.Contains("imitates outlook", one.Single().GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await SearchAsync($"account={account.Address}&subject=verify%20YOUR&state=quarantined")).Count);
        Assert.Empty(await SearchAsync($"account={account.Address}&subject=100%25"));
        Assert.Empty(await SearchAsync($"account={account.Address}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}"));
    }

    [Fact]
    public async Task A_bad_history_filter_is_a_400_naming_the_field()
    {
        using var viewer = await _host.ClientAsync("viewer");

        var response = await viewer.GetAsync("/api/history?state=lost");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"state\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/history?fingerprint=xyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous().GetAsync("/api/history")).StatusCode);
    }
}
