using System.Net;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class SignInThrottleTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "ada-long-password-7";
    private static readonly IPAddress Office = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("127.0.0.2");
    private AdminHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["OutboundGuard:Admin:SignIn:FreeFailures"] = "2",
            ["OutboundGuard:Admin:SignIn:FirstDelay"] = "00:00:05",
        });
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Admin, "test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Failed_sign_ins_make_the_name_wait_from_that_address_only_and_the_wait_ends_by_itself()
    {
        using var guesser = new SignInClient(_host.BaseAddress, Office);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("ada", "wrong-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SignInAsync("ada", "wrong-2")).StatusCode);
        var third = await guesser.SignInAsync("ada", "wrong-3");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), third.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in 5 s", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // During the wait even the right password is not checked from that address...
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.SignInAsync("ada", Password)).StatusCode);

        // ...but the same name signs in at once from another address: nobody can lock ada out from elsewhere.
        using var ada = new SignInClient(_host.BaseAddress, Elsewhere);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);

        await Task.Delay(third.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.Redirect, (await guesser.SignInAsync("ada", Password)).StatusCode);
    }

    [Fact]
    public async Task Each_further_failure_doubles_the_wait_and_an_admin_can_clear_it_with_an_audited_reason()
    {
        using var guesser = new SignInClient(_host.BaseAddress, Office);
        for (var i = 0; i < 3; i++)
        {
            await guesser.SignInAsync("ada", "wrong");
        }

        var failures = _host.Get<SignInFailureRepository>();
        var first = (await failures.FindAsync("ada", "127.0.0.1"))!;
        await Task.Delay(first.BlockedUntil - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var fourth = await guesser.SignInAsync("ADA", "wrong");
        Assert.Equal(TimeSpan.FromSeconds(10), fourth.Headers.RetryAfter?.Delta);

        using var admin = await _host.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync("/api/signin/failures/ada?address=127.0.0.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/signin/failures/ada?address=127.0.0.1&reason=ada%20called%20from%20the%20office")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await guesser.SignInAsync("ada", Password)).StatusCode);
        var audit = await _host.Get<AuditLogRepository>().ListAsync("ada");
        var entry = Assert.Single(audit, e => e.Action == "signin.clear");
        Assert.Equal("ada called from the office", entry.Reason);
        Assert.Contains("127.0.0.1", entry.Details, StringComparison.Ordinal);
    }
}
