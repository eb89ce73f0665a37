using System.Net;
using System.Text;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class TenantImportApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_imports_tenants_as_csv_a_check_writes_nothing_and_an_operator_may_not()
    {
        var tenant = $"tapi{Guid.NewGuid():N}"[..12] + ".example";
        var body = $"domain,admin_email,platform_ips,platform_ids\n{tenant},alerts@{tenant},40.107.0.0/16,X-MS-Exchange-CrossTenant-Id={Guid.NewGuid()}\nnot a domain,,,\n";
        using var admin = await _host.ClientAsync("admin");

        using var check = await admin.PostAsync("/api/tenants/import?check=true", new StringContent(body, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Null(await _host.Get<TenantRepository>().FindAsync(tenant));

        using var response = await admin.PostAsync("/api/tenants/import", new StringContent(body, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((1, 1), (report.RootElement.GetProperty("created").GetInt32(), report.RootElement.GetProperty("refused").GetInt32()));
        Assert.Equal("domain", report.RootElement.GetProperty("refusals")[0].GetProperty("field").GetString());
        Assert.Equal($"alerts@{tenant}", (await _host.Get<TenantRepository>().FindAsync(tenant))!.AdminEmail);

        using var wrongType = await admin.PostAsync("/api/tenants/import", new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        using var operatorClient = await _host.ClientAsync("operator");
        using var forbidden = await operatorClient.PostAsync("/api/tenants/import", new StringContent(body, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
