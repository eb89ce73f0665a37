using System.Net;
using System.Text;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

/// <summary>Error bodies are problem details without stack traces or request headers, in Development as in Production.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ErrorBodyTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Bad_input_and_unknown_routes_get_problem_details_without_internals(string environment)
    {
        await using var host = await AdminHost.StartAsync(postgres, environment: environment);
        using var client = await host.ClientAsync("admin", headerStyle: true);
        var key = client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        client.DefaultRequestHeaders.Add("X-Trace-Marker", "marker-7f3a9c");

        var badJson = await client.PostAsync("/api/accounts", new StringContent("{\"address\": ", Encoding.UTF8, "application/json"));
        var badLimit = await client.GetAsync("/api/accounts?limit=abc");
        var unknown = await client.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var response in new[] { badJson, badLimit, unknown })
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"status\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(key, body, StringComparison.Ordinal);
            Assert.DoesNotContain("marker-7f3a9c", body, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Api-Key", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
        }
    }
}
