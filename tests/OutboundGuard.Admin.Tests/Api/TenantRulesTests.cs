using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

/// <summary>Tenants are made on purpose, by admins, with real domain names and alert addresses, and audited.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantRulesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<string> ErrorAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task An_operator_cannot_create_a_tenant_through_a_new_account()
    {
        using var op = await _host.ClientAsync("operator");

        var implicitTenant = await op.PostAsJsonAsync("/api/accounts", new { address = "zoe@acme-new.example", password = "a-long-enough-password" });
        var namedTenant = await op.PostAsJsonAsync("/api/accounts", new { address = "zoe@acme.example", tenant = "globex.example", password = "a-long-enough-password" });

        Assert.Equal(HttpStatusCode.Forbidden, implicitTenant.StatusCode);
        Assert.Contains("create it first", await ErrorAsync(implicitTenant), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, namedTenant.StatusCode);
        Assert.Contains("No tenant globex.example; create it first", await ErrorAsync(namedTenant), StringComparison.Ordinal);
        Assert.Null(await _host.Get<TenantRepository>().FindAsync("acme-new.example"));
        Assert.Null(await _host.Get<TenantRepository>().FindAsync("globex.example"));
        Assert.Null(await _host.Get<AccountRepository>().FindAsync("zoe@acme-new.example"));
    }

    [Fact]
    public async Task An_operator_adds_accounts_to_an_existing_tenant_and_an_admin_may_create_the_addresss_own()
    {
        using var op = await _host.ClientAsync("operator");
        using var admin = await _host.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", new { domain = "globex.example" })).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await op.PostAsJsonAsync("/api/accounts", new { address = "zoe@acme.example", tenant = "globex.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new { address = "max@initech.example" })).StatusCode);

        Assert.Equal("globex.example", (await _host.Get<AccountRepository>().FindAsync("zoe@acme.example"))!.Tenant);
        var audit = _host.Get<AuditLogRepository>();
        Assert.Contains(await audit.ListAsync("globex.example"), e => e.Action == "tenant.create");
        Assert.Contains(await audit.ListAsync("initech.example"), e => e.Action == "tenant.create");
    }

    [Theory]
    [InlineData("""{"domain":"bad domain!"}""", "domain", "is not a domain name")]
    [InlineData("""{"domain":"localhost"}""", "domain", "is not a domain name")]
    [InlineData("""{"domain":"ok.example","adminEmail":"not-an-email"}""", "adminEmail", "is not an e-mail address")]
    public async Task A_bad_tenant_is_refused_naming_the_problem(string body, string field, string message)
    {
        using var admin = await _host.ClientAsync("admin");

        var response = await admin.PostAsync("/api/tenants", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await _host.Get<TenantRepository>().ListAsync());
    }

    [Fact]
    public async Task A_tenant_alert_address_must_be_an_e_mail_address()
    {
        using var admin = await _host.ClientAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/tenants", new { domain = "mail.example" })).StatusCode);

        var bad = await admin.PutAsJsonAsync("/api/tenants/mail.example/admin-email", new { email = "not-an-email" });
        var good = await admin.PutAsJsonAsync("/api/tenants/mail.example/admin-email", new { email = "postmaster@mail.example" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Creating_a_tenant_is_audited_once_whoever_creates_it()
    {
        var (tenant, created) = await _host.Get<TenantRepository>().AddAsync("audited.example", "cli:root");
        var (_, again) = await _host.Get<TenantRepository>().AddAsync("audited.example", "cli:root");

        Assert.True(created);
        Assert.False(again);
        var entries = await _host.Get<AuditLogRepository>().ListAsync(tenant.Domain);
        Assert.Single(entries, e => e.Action == "tenant.create" && e.Actor == "cli:root");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("password1234")]
    public async Task Account_passwords_set_through_the_API_follow_the_password_rule(string weak)
    {
        using var admin = await _host.ClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/accounts", new { address = "weak@weak.example", password = weak });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("password", await ErrorAsync(response), StringComparison.Ordinal);
    }
}
