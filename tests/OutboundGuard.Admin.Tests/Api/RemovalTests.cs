using System.Net;
using System.Net.Http.Json;
using Dapper;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Domain;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Status;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

/// <summary>
/// Removing tenants, UI users and API keys through the API and the console's forms (real HTTP, real sign-in cookies):
/// admin only, audited, refused with a clear reason when it must not happen.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RemovalTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "correct-horse-battery-staple";

    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_tenant_with_accounts_is_not_removed_and_the_refusal_names_how_many_remain()
    {
        using var admin = await _host.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", new { domain = "keep.example", connectorIps = new[] { "198.51.100.0/24" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new { address = "ann@keep.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new { address = "bob@keep.example" })).StatusCode);

        var refused = await admin.DeleteAsync("/api/tenants/keep.example?reason=customer%20left");
        var noReason = await admin.DeleteAsync("/api/tenants/keep.example");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("keep.example still has 2 account(s); remove them first", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(new[] { "198.51.100.0/24" }, await _host.Get<TenantRepository>().ListConnectorsAsync((await _host.Get<TenantRepository>().FindAsync("keep.example"))!.Id));
        Assert.DoesNotContain(await _host.Get<AuditLogRepository>().ListAsync("keep.example"), e => e.Action == "tenant.remove");
    }

    [Fact]
    public async Task A_tenant_without_accounts_is_removed_audited_keeps_its_row_and_its_domain_can_be_added_again()
    {
        using var admin = await _host.ClientAsync("admin");
        using var op = await _host.ClientAsync("operator");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", new { domain = "gone.example", connectorIps = new[] { "192.0.2.0/24" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new { address = "cy@gone.example" })).StatusCode);
        var oldId = (await _host.Get<TenantRepository>().FindAsync("gone.example"))!.Id;
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/accounts/cy@gone.example?reason=left")).StatusCode);

        var forbidden = await op.DeleteAsync("/api/tenants/gone.example?reason=customer%20left");
        var removed = await admin.DeleteAsync("/api/tenants/gone.example?reason=customer%20left");
        var again = await admin.DeleteAsync("/api/tenants/gone.example?reason=twice");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var body = await removed.Content.ReadFromJsonAsync<TenantRemoval>();
        Assert.Equal(($"gone.example#removed-{oldId}", 1), (body!.Tombstone, body.WaysInRemoved));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await using (var connection = await _host.DataSource.OpenConnectionAsync())
        {
            var row = await connection.QuerySingleAsync<(string Domain, DateTime? RemovedAt)>("SELECT domain, removed_at FROM tenants WHERE id = @oldId", new { oldId });
            Assert.Equal($"gone.example#removed-{oldId}", row.Domain);
            Assert.NotNull(row.RemovedAt);
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM tenant_connectors WHERE tenant_id = @oldId", new { oldId }));
        }

        var entry = Assert.Single(await _host.Get<AuditLogRepository>().ListAsync("gone.example"), e => e.Action == "tenant.remove");
        Assert.Equal("customer left", entry.Reason);
        Assert.StartsWith("apikey:", entry.Actor, StringComparison.Ordinal);
        Assert.DoesNotContain(await (await admin.GetAsync("/api/tenants")).Content.ReadAsStringAsync(), "gone.example", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", new { domain = "gone.example" })).StatusCode);
        Assert.NotEqual(oldId, (await _host.Get<TenantRepository>().FindAsync("gone.example"))!.Id);
    }

    [Fact]
    public async Task The_tenants_page_removes_a_tenant_with_its_button_and_refuses_one_with_accounts()
    {
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Admin, "test");
        await _host.Get<TenantRepository>().AddAsync("empty.example", "test");
        await _host.Get<AccountRepository>().AddAsync("dee@busy.example", "busy.example", null, "test");
        using var ada = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);
        var page = await ada.GetStringAsync("/tenants");

        var busy = await ada.PostFormAsync("/tenants", "/tenants/remove", new Dictionary<string, string> { ["domain"] = "busy.example", ["reason"] = "test" });
        var empty = await ada.PostFormAsync("/tenants", "/tenants/remove", new Dictionary<string, string> { ["domain"] = "empty.example", ["reason"] = "never used" });

        Assert.Contains("Remove tenant", page, StringComparison.Ordinal);
        Assert.Equal("/tenants?done=tenant-has-accounts", busy.Headers.Location!.OriginalString);
        Assert.Equal("/tenants?done=tenant-removed", empty.Headers.Location!.OriginalString);
        Assert.Contains("the tenant still has accounts", await ada.GetStringAsync("/tenants?done=tenant-has-accounts"), StringComparison.Ordinal);
        Assert.Null(await _host.Get<TenantRepository>().FindAsync("empty.example"));
        Assert.NotNull(await _host.Get<TenantRepository>().FindAsync("busy.example"));
        Assert.Equal("user:ada", Assert.Single(await _host.Get<AuditLogRepository>().ListAsync("empty.example"), e => e.Action == "tenant.remove").Actor);
    }

    [Fact]
    public async Task A_removed_users_session_ends_at_once_and_a_new_user_with_the_name_inherits_nothing()
    {
        var users = _host.Get<AdminUserRepository>();
        await users.AddAsync("ada", Password, AdminRoles.Admin, "test");
        await users.AddAsync("bob", Password, AdminRoles.Operator, "test");
        using var ada = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        using var bob = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/accounts")).StatusCode);

        var removed = await ada.PostFormAsync("/users", "/users/action", new Dictionary<string, string> { ["action"] = "remove-user", ["name"] = "bob", ["reason"] = "left the team" });
        var afterRemoval = await bob.GetAsync("/accounts");
        await users.AddAsync("bob", "another-long-password-1", AdminRoles.Admin, "test");
        var afterNewBob = await bob.GetAsync("/accounts");

        Assert.Equal("/users?done=user-removed", removed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, afterRemoval.StatusCode);
        Assert.Contains("/login", afterRemoval.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterNewBob.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.SignInAsync("bob", Password)).StatusCode);
        var entry = Assert.Single(await _host.Get<AuditLogRepository>().ListAsync("bob"), e => e.Action == "user.remove");
        Assert.Equal(("user:ada", "left the team"), (entry.Actor, entry.Reason));
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/users")).StatusCode);
    }

    [Fact]
    public async Task Nobody_removes_themselves_nor_the_last_admin_and_an_operator_removes_nobody()
    {
        var users = _host.Get<AdminUserRepository>();
        await users.AddAsync("ada", Password, AdminRoles.Admin, "test");
        using var ada = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);
        using var key = await _host.ClientAsync("admin");
        using var op = await _host.ClientAsync("operator");

        var self = await ada.PostFormAsync("/users", "/users/action", new Dictionary<string, string> { ["action"] = "remove-user", ["name"] = "ada", ["reason"] = "test" });
        var lastAdmin = await key.DeleteAsync("/api/users/ada?reason=test");
        var byOperator = await op.DeleteAsync("/api/users/ada?reason=test");
        var unknown = await key.DeleteAsync("/api/users/nobody?reason=test");

        Assert.Equal("/users?done=user-not-removed", self.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Conflict, lastAdmin.StatusCode);
        Assert.Contains("ada is the last admin who can sign in; add another admin first.", await lastAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/users")).StatusCode);
        Assert.DoesNotContain(await _host.Get<AuditLogRepository>().ListAsync("ada"), e => e.Action == "user.remove");
    }

    [Fact]
    public async Task The_users_page_revokes_an_api_key_which_is_refused_from_then_on()
    {
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Admin, "test");
        var (record, secret) = await _host.Get<ApiKeyRepository>().CreateAsync("ci-deploy", AdminRoles.Viewer, "test");
        using var script = _host.Anonymous();
        script.DefaultRequestHeaders.Add("X-Api-Key", secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/accounts")).StatusCode);
        using var ada = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);

        var revoked = await ada.PostFormAsync("/users", "/users/action", new Dictionary<string, string> { ["action"] = "revoke-key", ["name"] = record.Name });

        Assert.Equal("/users?done=key-revoked", revoked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/accounts")).StatusCode);
        Assert.Equal("user:ada", Assert.Single(await _host.Get<AuditLogRepository>().ListAsync("ci-deploy"), e => e.Action == "apikey.revoke").Actor);
        Assert.Contains("revoked", await ada.GetStringAsync("/users"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_users_page_tells_an_expired_key_from_a_live_one_and_shows_each_expiry()
    {
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Admin, "test");
        var keys = _host.Get<ApiKeyRepository>();
        await keys.CreateAsync("old-script", AdminRoles.Viewer, DateTimeOffset.UtcNow.AddDays(-1), "test");
        await keys.CreateAsync("new-script", AdminRoles.Viewer, DateTimeOffset.UtcNow.AddDays(30), "test");
        using var ada = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada", Password)).StatusCode);

        var page = await ada.GetStringAsync("/users");

        var rows = System.Text.RegularExpressions.Regex.Matches(page, "<tr><td>(old|new)-script</td>.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Value);
        Assert.Contains("<td class=\"key-status\">expired</td>", rows["old"], StringComparison.Ordinal);
        Assert.Contains("<td class=\"key-status\">live</td>", rows["new"], StringComparison.Ordinal);
        Assert.Contains("<th>Expires</th>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("never</td>", rows["old"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_accounts_gauge_does_not_count_a_removed_account_as_suspended()
    {
        var accounts = _host.Get<AccountRepository>();
        var kept = await accounts.AddAsync("kept@gauge.example", "gauge.example", null, "test");
        var gone = await accounts.AddAsync("gone@gauge.example", "gauge.example", null, "test");
        await accounts.SetStateAsync(kept.Id, AccountState.Suspended, "test", "test");
        await accounts.SetStateAsync(gone.Id, AccountState.Suspended, "test", "test");
        await accounts.RemoveAsync(gone.Id, "left", "test");
        await accounts.AddAsync("live@gauge.example", "gauge.example", null, "test");

        var byState = await new StatusRepository(_host.DataSource).AccountsByStateAsync(CancellationToken.None);

        Assert.Equal(1L, byState["suspended"]);
        Assert.Equal(1L, byState["active"]);
    }
}
