using System.Net;
using System.Net.Http.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class AuthorizationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_request_without_a_key_gets_401()
    {
        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_key_gets_401()
    {
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", "ogk_not-a-real-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/accounts")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_can_read_but_cannot_reinstate()
    {
        var (account, _) = await Seed.SuspendedAccountAsync(_host);
        using var viewer = await _host.ClientAsync("viewer", headerStyle: true);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/accounts/{account.Address}")).StatusCode);

        var response = await viewer.PostAsJsonAsync($"/api/accounts/{account.Address}/reinstate", new { reason = "looks fine" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("suspended", (await _host.Get<AccountRepository>().FindAsync(account.Address))!.State);
    }

    [Fact]
    public async Task An_operator_cannot_change_tenants_but_an_admin_can()
    {
        using var op = await _host.ClientAsync("operator");
        using var admin = await _host.ClientAsync("admin");
        var body = new { domain = "acme.example", connectorIps = new[] { "198.51.100.0/24" } };

        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/tenants", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", body)).StatusCode);
        var tenant = await _host.Get<Storage.Tenants.TenantRepository>().FindByClientAddressAsync(IPAddress.Parse("198.51.100.7"));
        Assert.Equal("acme.example", tenant?.Domain);
    }

    [Fact]
    public async Task A_revoked_key_gets_401()
    {
        var keys = _host.Get<Storage.Admin.ApiKeyRepository>();
        var (record, key) = await keys.CreateAsync("soon-revoked", "admin", "test");
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/audit")).StatusCode);

        await keys.RevokeAsync(record.Name, "test");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_review_endpoint()
    {
        using var viewer = await _host.ClientAsync("viewer");
        var document = await viewer.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/accounts/{address}/review", document, StringComparison.Ordinal);
        Assert.Contains("/api/quarantine/bulk", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_says_how_to_authenticate_with_or_without_a_key()
    {
        using var anonymous = _host.Anonymous();
        using var wrongKey = _host.Anonymous();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "ogk_not-a-real-key");

        foreach (var client in new[] { anonymous, wrongKey })
        {
            var response = await client.GetAsync("/api/accounts");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var schemes = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
            Assert.Contains("Bearer", schemes);
            Assert.Contains("ApiKey", schemes);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_the_security_schemes()
    {
        using var viewer = await _host.ClientAsync("viewer");
        using var document = System.Text.Json.JsonDocument.Parse(await viewer.GetStringAsync("/openapi/v1.json"));
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("header", schemes.GetProperty("ApiKey").GetProperty("in").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("security").GetArrayLength());
    }
}
