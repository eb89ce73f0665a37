using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class ApiKeyExpiryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_key_created_through_the_API_with_30d_works_and_is_listed_with_its_expiry()
    {
        using var admin = await _host.ClientAsync("admin");
        var before = DateTimeOffset.UtcNow;

        var response = await admin.PostAsJsonAsync("/api/apikeys", new { name = "ci-deploy", role = "operator", expires = "30d" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        using var ci = _host.Anonymous();
        ci.DefaultRequestHeaders.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await ci.GetAsync("/api/audit")).StatusCode);

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/apikeys")).EnumerateArray().Single(k => k.GetProperty("name").GetString() == "ci-deploy");
        var expiresAt = listed.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddDays(30), DateTimeOffset.UtcNow.AddDays(30));
        Assert.Equal("live", listed.GetProperty("status").GetString());
        Assert.False(listed.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task An_expired_key_gets_401_with_a_problem_saying_it_expired()
    {
        var (_, key) = await _host.Get<ApiKeyRepository>().CreateAsync("old-script", "viewer", DateTimeOffset.UtcNow.AddMinutes(-1), "test");
        using var client = _host.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        var response = await client.GetAsync("/api/accounts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("API key expired", problem.GetProperty("title").GetString());
        Assert.Contains("'old-script'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        using var admin = await _host.ClientAsync("admin");
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/apikeys")).EnumerateArray().Single(k => k.GetProperty("name").GetString() == "old-script");
        Assert.Equal("expired", listed.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0d")]
    [InlineData("2001-01-01")]
    public async Task A_bad_expiry_is_refused_naming_the_field(string expires)
    {
        using var admin = await _host.ClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/apikeys", new { name = "bad-" + expires, role = "viewer", expires });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expires, problem.GetProperty("errors").GetProperty("expires")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admins_manage_keys()
    {
        using var op = await _host.ClientAsync("operator");
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/apikeys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/apikeys", new { name = "x", role = "admin" })).StatusCode);
    }
}
