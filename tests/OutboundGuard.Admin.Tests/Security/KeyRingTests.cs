using System.Net;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Security;

/// <summary>
/// The keys behind the sign-in cookie live in PostgreSQL: a second node over the same database accepts a cookie the
/// first one issued (as behind a load balancer, or after a restart), and a stranger's cookie is still refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KeyRingTests(PostgresFixture postgres) : IAsyncLifetime
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
        var secondAddress = new Uri(second.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
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
        Assert.StartsWith("/login", refused.Headers.Location!.OriginalString.Replace(secondAddress.ToString().TrimEnd('/'), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
