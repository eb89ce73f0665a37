using Dapper;
using Npgsql;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Storage.Tenants;

/// <summary>
/// Creates and updates tenants from import rows (upsert by domain) in batched transactions (<see cref="ImportBatches"/>):
/// a tenant's row, admin address, domains, connector ranges and platform identities commit together with their batch,
/// so no tenant is ever half written. A line whose domain or identifier already belongs to another tenant is refused
/// whole. An import adds what is missing and never removes a setting, so a re-run changes nothing.
/// </summary>
public sealed class TenantImporter(NpgsqlDataSource dataSource)
{
    /// <summary>Tenants per transaction.</summary>
    public const int DefaultBatchSize = 200;

    /// <summary>The audit action of an import (one entry per run, with the counts).</summary>
    public const string AuditAction = "tenant.import";

    /// <summary>Imports (or with <paramref name="check"/>, only tries) the parsed rows and reports the counts, with all refusals.</summary>
    public async Task<TenantImportReport> ImportAsync(ImportParseResult<TenantImportRow> parsed, string source, string actor, bool check = false,
        IProgress<int>? progress = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        var counts = new Counts();
        var refusals = new List<ImportRefusal>(parsed.Refusals);
        await ImportBatches.RunAsync(dataSource, parsed.Rows, batchSize, check, progress,
            (connection, transaction, batch, token) => ImportBatchAsync(connection, transaction, batch, counts, refusals, token),
            actor, AuditAction, source, () => new
            {
                file = source, created = counts.Created, updated = counts.Updated, unchanged = counts.Unchanged,
                refused = refusals.Select(r => r.Line).Distinct().Count(),
            },
            cancellationToken);
        return new TenantImportReport
        {
            Check = check,
            Created = counts.Created,
            Updated = counts.Updated,
            Unchanged = counts.Unchanged,
            Refusals = [.. refusals.OrderBy(r => r.Line)],
        };
    }

    private sealed class Counts
    {
        public int Created { get; set; }

        public int Updated { get; set; }

        public int Unchanged { get; set; }
    }

    // What another tenant already holds of this batch's domains and identifiers.
    private const string ClashesSql = """
        SELECT d.domain AS key, t.domain AS owner FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id WHERE d.domain = ANY(@domains)
        UNION ALL SELECT domain, domain FROM tenants WHERE domain = ANY(@domains)
        UNION ALL SELECT p.kind || ' ' || p.name || '=' || p.value, t.domain FROM tenant_platform_identities p JOIN tenants t ON t.id = p.tenant_id
            WHERE p.kind || ' ' || p.name || '=' || p.value = ANY(@identities)
        """;

    private const string UpsertTenantSql = """
        WITH inserted AS (INSERT INTO tenants (domain, admin_email) VALUES (@domain, @adminEmail) ON CONFLICT (domain) DO NOTHING RETURNING id)
        SELECT id, true AS created FROM inserted
        UNION ALL SELECT id, false FROM tenants WHERE domain = @domain
        """;

    private const string AdminEmailSql = """
        UPDATE tenants SET admin_email = @adminEmail WHERE id = @id AND admin_email IS DISTINCT FROM @adminEmail
        """;

    private const string ConnectorSql = """
        INSERT INTO tenant_connectors (tenant_id, network, shared_platform) SELECT @id, n::cidr, @shared FROM unnest(@networks::text[]) AS n
        ON CONFLICT (tenant_id, network) DO UPDATE SET shared_platform = EXCLUDED.shared_platform
            WHERE tenant_connectors.shared_platform IS DISTINCT FROM EXCLUDED.shared_platform
        """;

    private const string DomainsSql = """
        INSERT INTO tenant_domains (domain, tenant_id) SELECT d, @id FROM unnest(@domains::text[]) AS d ON CONFLICT (domain) DO NOTHING
        """;

    private const string IdentitiesSql = """
        INSERT INTO tenant_platform_identities (tenant_id, kind, name, value)
        SELECT @id, x.kind, x.name, x.value FROM unnest(@kinds::text[], @names::text[], @values::text[]) AS x(kind, name, value)
        ON CONFLICT (kind, name, value) DO NOTHING
        """;

    private static async Task ImportBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<TenantImportRow> batch, Counts counts,
        List<ImportRefusal> refusals, CancellationToken cancellationToken)
    {
        var clashes = (await connection.QueryAsync<(string Key, string Owner)>(new CommandDefinition(ClashesSql, new
        {
            domains = batch.SelectMany(r => r.Domains).ToArray(),
            identities = batch.SelectMany(Identities).Select(i => $"{i.Kind} {i.Name}={i.Value}").ToArray(),
        }, transaction, cancellationToken: cancellationToken))).ToLookup(c => c.Key, c => c.Owner, StringComparer.Ordinal);

        foreach (var row in batch)
        {
            var clash = row.Domains.Select(d => (Field: "domains", What: d, Owners: clashes[d]))
                .Concat(Identities(row).Select(i => (Field: i.Kind == ConnectorTenantRepository.HeaderKind ? "platform_ids" : "cert_names", What: $"{i.Name}={i.Value}".TrimStart('='), Owners: clashes[$"{i.Kind} {i.Name}={i.Value}"])))
                .Select(c => (c.Field, c.What, Owner: c.Owners.FirstOrDefault(o => o != row.Domain)))
                .FirstOrDefault(c => c.Owner is not null);
            if (clash.Owner is not null)
            {
                refusals.Add(new(row.Line, clash.Field, $"{clash.What} already belongs to tenant {clash.Owner}"));
                continue;
            }

            var (id, created) = await connection.QuerySingleAsync<(long, bool)>(new CommandDefinition(UpsertTenantSql, new { domain = row.Domain, adminEmail = row.AdminEmail }, transaction, cancellationToken: cancellationToken));
            var changes = 0;
            if (!created && row.AdminEmail is not null)
            {
                changes += await connection.ExecuteAsync(new CommandDefinition(AdminEmailSql, new { id, adminEmail = row.AdminEmail }, transaction, cancellationToken: cancellationToken));
            }

            changes += await connection.ExecuteAsync(new CommandDefinition(ConnectorSql, new { id, networks = row.ConnectorIps.ToArray(), shared = false }, transaction, cancellationToken: cancellationToken));
            changes += await connection.ExecuteAsync(new CommandDefinition(ConnectorSql, new { id, networks = row.PlatformIps.ToArray(), shared = true }, transaction, cancellationToken: cancellationToken));
            changes += await connection.ExecuteAsync(new CommandDefinition(DomainsSql, new { id, domains = row.Domains.ToArray() }, transaction, cancellationToken: cancellationToken));
            var identities = Identities(row).ToList();
            changes += await connection.ExecuteAsync(new CommandDefinition(IdentitiesSql, new
            {
                id, kinds = identities.Select(i => i.Kind).ToArray(), names = identities.Select(i => i.Name).ToArray(), values = identities.Select(i => i.Value).ToArray(),
            }, transaction, cancellationToken: cancellationToken));

            if (created)
            {
                counts.Created++;
            }
            else if (changes > 0)
            {
                counts.Updated++;
            }
            else
            {
                counts.Unchanged++;
            }
        }
    }

    private static IEnumerable<(string Kind, string Name, string Value)> Identities(TenantImportRow row)
        => row.PlatformIds.Select(p => (ConnectorTenantRepository.HeaderKind, p.Header, p.Value))
            .Concat(row.CertNames.Select(c => (ConnectorTenantRepository.CertificateKind, "", c)));
}
