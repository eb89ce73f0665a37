using System.Net;
using System.Text;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.Hosting;

/// <summary><c>serve</c> runs as Production unless told otherwise; its API answers errors with problem details only.</summary>
public sealed class ServeEnvironmentTests
{
    private static readonly Dictionary<string, string> NoEnvironment = new() { ["DOTNET_ENVIRONMENT"] = "", ["ASPNETCORE_ENVIRONMENT"] = "" };

    [Fact]
    public async Task Serve_is_production_by_default_and_its_errors_are_problem_details_without_internals()
    {
        var data = Path.Combine(Path.GetTempPath(), "og-env-" + Guid.NewGuid().ToString("N")[..10]);
        var http = FreePort.Next();
        try
        {
            await using (var relay = RelayProcess.Start(["serve", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--http", $"127.0.0.1:{http}", "--data", data], NoEnvironment))
            {
                await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
                Assert.Contains("{\"@t\":", relay.Output, StringComparison.Ordinal);

                // Probes and scrapers need no key; the API does, and says how.
                using (var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") })
                {
                    Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
                    Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ready")).StatusCode);
                    var metrics = await anonymous.GetAsync("/metrics");
                    Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
                    Assert.Contains("outboundguard_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    var api = await anonymous.GetAsync("/api/accounts");
                    Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
                    Assert.Contains(api.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
                }

                var (code, key, stderr) = await RelayProcess.RunAsync(["apikeys", "create", "env-test", "--role", "admin", "--data", data]);
                Assert.True(code == 0, stderr);
                key = key.Trim();
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
                client.DefaultRequestHeaders.Add("X-Api-Key", key);

                var responses = new[]
                {
                    await client.PostAsync("/api/accounts", new StringContent("{\"address\": [", Encoding.UTF8, "application/json")),
                    await client.GetAsync("/api/accounts?limit=abc"),
                    await client.GetAsync("/api/no-such-route"),
                };

                Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound], responses.Select(r => r.StatusCode));
                foreach (var response in responses)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.DoesNotContain(key, body, StringComparison.Ordinal);
                    Assert.DoesNotContain("X-Api-Key", body, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
                    Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
                }
            }

            // The flag wins over the environment variable.
            await using (var relay = RelayProcess.Start(
                ["serve", "--environment", "Development", "--smtp", $"127.0.0.1:{FreePort.Next()}", "--http", $"127.0.0.1:{FreePort.Next()}", "--data", data],
                new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "" }))
            {
                await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
                Assert.Contains("INF] Database:", relay.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("{\"@t\":", relay.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
