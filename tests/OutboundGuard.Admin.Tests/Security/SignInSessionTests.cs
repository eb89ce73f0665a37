using System.Net;
using Dapper;
using Microsoft.Extensions.Logging;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Testing.Logging;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Security;

/// <summary>
/// A signed-in session. The keys behind its cookie live in PostgreSQL: a second node over the same database accepts a
/// cookie the first one issued (as behind a load balancer, or after a restart), and a forged one is refused. Every page,
/// with an antiforgery form (sign-in) or behind the sign-in (the accounts list), is sent uncacheable, unframeable and
/// with nothing allowed from elsewhere, with the cache headers antiforgery itself sets (else it overrides them and
/// logs a warning for every page).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SignInSessionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "ada-long-password-7";
    private AdminHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(postgres);
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Admin, "test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_sign_in_on_one_node_is_accepted_by_another_node_over_the_same_database()
    {
        using var browser = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada", Password)).StatusCode);
        var session = browser.Cookie("og.session");
        Assert.False(string.IsNullOrEmpty(session));

        await using (var connection = await _host.DataSource.OpenConnectionAsync())
        {
            var keys = (await connection.QueryAsync<string>("SELECT xml FROM admin_key_ring")).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.StartsWith("<key ", k, StringComparison.Ordinal));
        }

        await using var second = await AdminHostOnSameDatabase.StartAsync(_host, new Dictionary<string, string?>());
        var secondAddress = AdminHost.AddressOf(second);
        Assert.NotEqual(_host.BaseAddress, secondAddress);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = secondAddress };

        using var signedIn = new HttpRequestMessage(HttpMethod.Get, "/accounts");
        signedIn.Headers.Add("Cookie", $"og.session={session}");
        var page = await http.SendAsync(signedIn);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("ada", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/accounts");
        forged.Headers.Add("Cookie", $"og.session={session![..^8]}AAAAAAAA");
        var refused = await http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/login", new Uri(secondAddress, refused.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task Pages_are_not_cached_framed_or_fed_from_elsewhere()
    {
        var log = new TestLoggerProvider();
        _host.Get<ILoggerFactory>().AddProvider(log);
        using var browser = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        AssertHeaders("/login", await browser.GetAsync("/login"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada", Password)).StatusCode);
        AssertHeaders("/accounts", await browser.GetAsync("/accounts"));
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("Cache-Control", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertHeaders(string path, HttpResponseMessage page)
    {
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode}");
        var cache = page.Headers.CacheControl!;
        Assert.True(cache.NoStore && cache.NoCache, $"{path}: Cache-Control {cache}");
        Assert.Equal("no-cache", page.Headers.Pragma.ToString());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }
}
