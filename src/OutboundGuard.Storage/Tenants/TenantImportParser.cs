using System.Net;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Storage.Tenants;

/// <summary>
/// Reads a tenant import file (CSV with a header line, or JSON Lines; <see cref="ImportFile"/>) and checks every
/// field, so that each line is either a valid <see cref="TenantImportRow"/> or refusals naming the field and why.
/// List fields hold values separated by spaces or semicolons (in JSON also a list of strings).
/// </summary>
public static class TenantImportParser
{
    /// <summary>Every field name the file may use (CSV header names and JSON keys alike).</summary>
    public static readonly IReadOnlyList<string> Fields = ["domain", "admin_email", "domains", "connector_ips", "platform_ips", "platform_ids", "cert_names"];

    private static readonly string[] Lists = ["domains", "connector_ips", "platform_ips", "platform_ids", "cert_names"];

    /// <summary>Reads and checks the whole text.</summary>
    /// <exception cref="ImportFileException">The file as a whole is unusable: unknown columns, no header, no domain column.</exception>
    public static ImportParseResult<TenantImportRow> Parse(string text, ImportFormat format)
    {
        var rows = new List<TenantImportRow>();
        var refusals = new List<ImportRefusal>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var claimed = new Dictionary<string, (string Tenant, int Line)>(StringComparer.Ordinal);
        foreach (var record in ImportFile.Read(text, format, Fields, "domain", Lists))
        {
            if (record.Error is { } error)
            {
                refusals.Add(error);
                continue;
            }

            var problems = new List<ImportRefusal>();
            var row = Check(record, problems);
            if (row is not null && firstLine.TryGetValue(row.Domain, out var first))
            {
                problems.Add(new(record.Line, "domain", $"{row.Domain} appears again (first on line {first}, which is the one imported)"));
            }

            // A domain or identifier names one tenant: the same one under two tenants of the file refuses the later line.
            foreach (var (key, field) in row is null ? [] : Claims(row))
            {
                if (claimed.TryGetValue(key, out var owner) && owner.Tenant != row!.Domain)
                {
                    problems.Add(new(record.Line, field, $"{key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..]} is also given for tenant {owner.Tenant} on line {owner.Line}"));
                }
            }

            if (problems.Count > 0)
            {
                refusals.AddRange(problems);
                continue;
            }

            firstLine[row!.Domain] = record.Line;
            foreach (var (key, _) in Claims(row))
            {
                claimed.TryAdd(key, (row.Domain, record.Line));
            }

            rows.Add(row);
        }

        return new ImportParseResult<TenantImportRow>(rows, refusals);
    }

    private static IEnumerable<(string Key, string Field)> Claims(TenantImportRow row)
        => new[] { ("domain " + row.Domain, "domain") }
            .Concat(row.Domains.Select(d => ("domain " + d, "domains")))
            .Concat(row.PlatformIds.Select(p => ($"id {p.Header}={p.Value}", "platform_ids")))
            .Concat(row.CertNames.Select(c => ("cert " + c, "cert_names")));

    private static TenantImportRow? Check(ImportRecord record, List<ImportRefusal> problems)
    {
        void Refuse(string field, string why) => problems.Add(new(record.Line, field, why));
        static string[] Split(string? value) => value is null ? [] : value.Split([' ', ';', '\t'], StringSplitOptions.RemoveEmptyEntries);

        string? domain = null;
        if (record.Get("domain") is not { } rawDomain)
        {
            Refuse("domain", "missing (every line needs the tenant's domain)");
        }
        else if (TenantRepository.DomainProblem(rawDomain) is { } problem)
        {
            Refuse("domain", problem);
        }
        else
        {
            domain = TenantRepository.Normalize(rawDomain);
        }

        string? adminEmail = null;
        if (record.Get("admin_email") is { } rawEmail)
        {
            try
            {
                adminEmail = AccountRepository.NormalizeAddress(rawEmail);
            }
            catch (ArgumentException)
            {
                Refuse("admin_email", $"'{rawEmail}' is not a mailbox address of the form local@domain");
            }
        }

        var domains = new List<string>();
        foreach (var extra in Split(record.Get("domains")))
        {
            if (TenantRepository.DomainProblem(extra) is { } problem)
            {
                Refuse("domains", problem);
            }
            else if (TenantRepository.Normalize(extra) != domain)
            {
                domains.Add(TenantRepository.Normalize(extra));
            }
        }

        List<string> Ranges(string field)
        {
            var ranges = new List<string>();
            foreach (var raw in Split(record.Get(field)))
            {
                if (IPNetwork.TryParse(raw.Contains('/', StringComparison.Ordinal) ? raw : raw + (raw.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out var network))
                {
                    ranges.Add(network.ToString());
                }
                else
                {
                    Refuse(field, $"'{raw}' is not an IP address or CIDR range (e.g. 203.0.113.0/24)");
                }
            }

            return ranges;
        }

        var connectorIps = Ranges("connector_ips");
        var platformIps = Ranges("platform_ips");
        var platformIds = new List<(string, string)>();
        foreach (var raw in Split(record.Get("platform_ids")))
        {
            var equals = raw.IndexOf('=', StringComparison.Ordinal);
            var header = equals > 0 ? raw[..equals].Trim().ToLowerInvariant() : "";
            if (equals <= 0 || equals == raw.Length - 1 || !header.All(c => c is > ' ' and < '\x7f' and not ':'))
            {
                Refuse("platform_ids", $"'{raw}' is not HEADER=VALUE (e.g. X-MS-Exchange-CrossTenant-Id=72f988bf-86f1-41af-91ab-2d7cd011db47)");
            }
            else
            {
                platformIds.Add((header, raw[(equals + 1)..].Trim().ToLowerInvariant()));
            }
        }

        var certNames = new List<string>();
        foreach (var raw in Split(record.Get("cert_names")))
        {
            if (Uri.CheckHostName(raw.TrimEnd('.')) != UriHostNameType.Dns)
            {
                Refuse("cert_names", $"'{raw}' is not a DNS name (a certificate's subject common name, e.g. mta.tenant.example)");
            }
            else
            {
                certNames.Add(raw.TrimEnd('.').ToLowerInvariant());
            }
        }

        return domain is null || problems.Count > 0 ? null : new TenantImportRow
        {
            Line = record.Line,
            Domain = domain,
            AdminEmail = adminEmail,
            Domains = [.. domains.Distinct(StringComparer.Ordinal)],
            ConnectorIps = [.. connectorIps.Distinct(StringComparer.Ordinal)],
            PlatformIps = [.. platformIps.Distinct(StringComparer.Ordinal)],
            PlatformIds = [.. platformIds.Distinct()],
            CertNames = [.. certNames.Distinct(StringComparer.Ordinal)],
        };
    }
}
