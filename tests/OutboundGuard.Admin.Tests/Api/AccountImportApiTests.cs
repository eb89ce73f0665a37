using System.Net;
using System.Text;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class AccountImportApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Tenant() => $"api{Guid.NewGuid():N}"[..12] + ".example";

    [Fact]
    public async Task An_admin_imports_json_lines_and_gets_the_report_with_refused_lines()
    {
        var tenant = Tenant();
        using var admin = await _host.ClientAsync("admin");
        var body = $"{{\"address\":\"a@{tenant}\",\"created_at\":\"2019-05-06\",\"messages_per_hour\":120}}\n{{\"address\":\"b@{tenant}\",\"state\":\"frozen\"}}\n";

        using var response = await admin.PostAsync("/api/accounts/import", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, report.RootElement.GetProperty("created").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("refused").GetInt32());
        Assert.Equal("state", report.RootElement.GetProperty("refusals")[0].GetProperty("field").GetString());
        var account = await _host.Get<AccountRepository>().FindAsync($"a@{tenant}");
        Assert.Equal((120, new DateTimeOffset(2019, 5, 6, 0, 0, 0, TimeSpan.Zero)), (account!.LimitMessagesPerHour, account.CreatedAt));
    }

    [Fact]
    public async Task A_check_over_csv_writes_nothing()
    {
        var tenant = Tenant();
        using var admin = await _host.ClientAsync("admin");

        using var response = await admin.PostAsync("/api/accounts/import?check=true", new StringContent($"address\nc@{tenant}\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nothing was written", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await _host.Get<AccountRepository>().FindAsync($"c@{tenant}"));
    }

    [Fact]
    public async Task Only_admins_may_import_and_other_media_types_and_unknown_columns_are_refused()
    {
        using var op = await _host.ClientAsync("operator");
        using var admin = await _host.ClientAsync("admin");

        using var forbidden = await op.PostAsync("/api/accounts/import", new StringContent("address\nx@y.example\n", Encoding.UTF8, "text/csv"));
        using var unsupported = await admin.PostAsync("/api/accounts/import", new StringContent("{}", Encoding.UTF8, "application/xml"));
        using var unknown = await admin.PostAsync("/api/accounts/import", new StringContent("address,colour\nx@y.example,red\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("unknown column(s) colour", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
