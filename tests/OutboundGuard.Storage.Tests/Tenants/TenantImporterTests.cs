using System.Net;
using System.Text.Json;
using Dapper;
using OutboundGuard.Storage.Import;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Tenants;

[Collection(PostgresCollection.Name)]
public sealed class TenantImporterTests(PostgresFixture postgres)
{
    private static string Domain(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..12] + ".example";

    [Fact]
    public async Task An_import_creates_tenants_with_their_settings_refuses_bad_lines_and_a_rerun_changes_nothing()
    {
        var (a, b, c) = (Domain("ta"), Domain("tb"), Domain("tc"));
        var id = Guid.NewGuid().ToString();
        var csv = $"""
            domain,admin_email,domains,connector_ips,platform_ips,platform_ids,cert_names
            {a},Postmaster@{a},mail.{a}x.example;news.{a}x.example,192.0.2.0/28,40.107.0.0/16,X-MS-Exchange-CrossTenant-Id={id},mta.{a}
            {b},,,198.51.100.177,,,
            bad domain!,,,,,,
            {c},not-an-address,,300.1.2.3/8,,TenantId,
            {b},,,,,,
            {c}x.example,,mail.{a}x.example,,,,
            """;
        var importer = new TenantImporter(postgres.DataSource);

        var check = await importer.ImportAsync(TenantImportParser.Parse(csv, ImportFormat.Csv), "tenants.csv", "test", check: true);
        var first = await importer.ImportAsync(TenantImportParser.Parse(csv, ImportFormat.Csv), "tenants.csv", "test", batchSize: 1);
        var second = await importer.ImportAsync(TenantImportParser.Parse(csv, ImportFormat.Csv), "tenants.csv", "test");

        Assert.Equal("Checked 6 tenant(s): 2 to create, 0 to update, 4 refused (0 unchanged); nothing was written", check.Summary);
        Assert.Equal("Imported 6 tenant(s): 2 created, 0 updated, 4 refused (0 unchanged)", first.Summary);
        Assert.Equal("Imported 6 tenant(s): 0 created, 0 updated, 4 refused (2 unchanged)", second.Summary);
        Assert.Equal(
        [
            "line 4: domain: 'bad domain!' is not a domain name: use letters, digits, hyphens and dots, e.g. tenant.example.",
            $"line 5: admin_email: 'not-an-address' is not a mailbox address of the form local@domain",
            "line 5: connector_ips: '300.1.2.3/8' is not an IP address or CIDR range (e.g. 203.0.113.0/24)",
            "line 5: platform_ids: 'TenantId' is not HEADER=VALUE (e.g. X-MS-Exchange-CrossTenant-Id=72f988bf-86f1-41af-91ab-2d7cd011db47)",
            $"line 6: domain: {b} appears again (first on line 3, which is the one imported)",
            $"line 7: domains: mail.{a}x.example is also given for tenant {a} on line 2",
        ], first.Refusals.Select(r => r.ToString()));

        // The shared platform's range confirms the tenant only with its registered identifier (ConnectorTenantRepository).
        var found = Assert.Single(await new ConnectorTenantRepository(postgres.DataSource).FindByClientAddressAsync(IPAddress.Parse("40.107.3.4")), t => t.Domain == a);
        Assert.True(found.SharedPlatform);
        Assert.Equal([a, $"mail.{a}x.example", $"news.{a}x.example"], found.Domains);
        Assert.Equal(["x-ms-exchange-crosstenant-id"], found.HeaderNames);
        Assert.Equal([id], found.HeaderValues);
        Assert.Equal([$"mta.{a}"], found.CertificateNames);
        Assert.Equal($"postmaster@{a}", (await new TenantRepository(postgres.DataSource).FindAsync(a))!.AdminEmail);
        Assert.Equal(b, (await new TenantRepository(postgres.DataSource).FindByClientAddressAsync(IPAddress.Parse("198.51.100.177")))!.Domain);

        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        var audits = (await connection.QueryAsync<string>("SELECT details::text FROM audit_log WHERE action = 'tenant.import' AND target = 'tenants.csv' ORDER BY id DESC LIMIT 2")).ToList();
        Assert.Equal(2, audits.Count);
        using var last = JsonDocument.Parse(audits[0]);
        Assert.Equal((0, 2, 4), (last.RootElement.GetProperty("created").GetInt32(), last.RootElement.GetProperty("unchanged").GetInt32(), last.RootElement.GetProperty("refused").GetInt32()));
    }

    [Fact]
    public async Task A_line_whose_domain_or_identifier_belongs_to_another_tenant_is_refused_whole_and_an_update_adds_settings()
    {
        var (owner, other) = (Domain("own"), Domain("oth"));
        var importer = new TenantImporter(postgres.DataSource);
        await importer.ImportAsync(TenantImportParser.Parse($$"""{"domain": "{{owner}}", "domains": ["brand.{{owner}}"], "platform_ids": ["X-Google-Tenant=abc123"]}""", ImportFormat.JsonLines), "a.jsonl", "test");

        var report = await importer.ImportAsync(TenantImportParser.Parse($$"""
            {"domain": "{{other}}", "connector_ips": "203.0.113.201", "domains": ["brand.{{owner}}"]}
            {"domain": "{{owner}}", "admin_email": "ops@{{owner}}", "connector_ips": ["203.0.113.192/29"]}
            """, ImportFormat.JsonLines), "b.jsonl", "test");

        Assert.Equal("Imported 2 tenant(s): 0 created, 1 updated, 1 refused (0 unchanged)", report.Summary);
        Assert.Equal($"line 1: domains: brand.{owner} already belongs to tenant {owner}", Assert.Single(report.Refusals).ToString());
        Assert.Null(await new TenantRepository(postgres.DataSource).FindAsync(other));
        Assert.Equal(owner, (await new TenantRepository(postgres.DataSource).FindByClientAddressAsync(IPAddress.Parse("203.0.113.197")))!.Domain);
    }
}
