using System.CommandLine;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard tenants add DOMAIN [--connector-ip CIDR ...]</c>, <c>tenants list</c>, <c>tenants remove DOMAIN --reason</c> and <c>tenants import FILE</c>.</summary>
internal static class TenantsCommand
{
    public static Command Create()
    {
        var command = new Command("tenants", "Manage tenants and their connectors (client IP ranges that relay without AUTH)");
        var domain = new Argument<string>("domain") { Description = "The tenant's domain, e.g. tenant.example" };
        var connectorIp = new Option<string[]>("--connector-ip") { Description = "A client IP or CIDR range that relays for this tenant (repeatable)", AllowMultipleArgumentsPerToken = true };
        var clientCert = new Option<string[]>("--client-cert") { Description = "A TLS client certificate (PEM file, or its SHA-256 fingerprint) that relays for this tenant without AUTH (repeatable)", AllowMultipleArgumentsPerToken = true };
        var certAccount = new Option<string?>("--client-cert-account") { Description = "Bind the --client-cert certificates to this account instead of the envelope sender" };
        var platformIp = new Option<string[]>("--platform-ip") { Description = "A shared platform's client IP or CIDR range (Microsoft 365, Google Workspace) that relays for this tenant once a --platform-id or --cert-name confirms it (repeatable)", AllowMultipleArgumentsPerToken = true };
        var platformId = new Option<string[]>("--platform-id") { Description = "HEADER=VALUE: the platform's tenant identifier header the tenant's messages carry, e.g. X-MS-Exchange-CrossTenant-Id=<tenant GUID> (repeatable)", AllowMultipleArgumentsPerToken = true };
        var certName = new Option<string[]>("--cert-name") { Description = "The subject common name of the tenant's TLS client certificate (chain validated) on a shared connector (repeatable)", AllowMultipleArgumentsPerToken = true };
        var extraDomain = new Option<string[]>("--domain") { Description = "A further domain the tenant sends as (repeatable)", AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Create a tenant, optionally with connector ranges and client certificates") { domain, connectorIp, clientCert, certAccount, platformIp, platformId, certName, extraDomain };
        add.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (TenantRepository.DomainProblem(parse.GetValue(domain)) is { } bad)
            {
                await Console.Error.WriteLineAsync("error: " + bad);
                return CliRunner.ExitUsage;
            }

            var tenants = new TenantRepository(db.DataSource);
            var audit = new AuditLogRepository(db.DataSource);
            var (tenant, _) = await tenants.AddAsync(parse.GetValue(domain)!, AccountsCommand.Actor, token);
            foreach (var range in parse.GetValue(connectorIp) ?? [])
            {
                await tenants.AddConnectorAsync(tenant.Domain, range, token);
                await audit.AppendAsync(AccountsCommand.Actor, "tenant.connector.add", tenant.Domain, null, new { network = range }, token);
            }

            if (await AddSharedPlatformAsync(db.DataSource, tenant.Domain, parse.GetValue(platformIp) ?? [], parse.GetValue(platformId) ?? [],
                    parse.GetValue(certName) ?? [], parse.GetValue(extraDomain) ?? [], token) is { } refused)
            {
                await Console.Error.WriteLineAsync("error: " + refused);
                return CliRunner.ExitUsage;
            }

            var certificates = new ClientCertificateRepository(db.DataSource);
            var fingerprints = new List<string>();
            foreach (var certificate in parse.GetValue(clientCert) ?? [])
            {
                var fingerprint = File.Exists(certificate) ? FingerprintOf(certificate) : ClientCertificateRepository.Normalize(certificate);
                await certificates.AddAsync(tenant.Domain, fingerprint, parse.GetValue(certAccount), token);
                fingerprints.Add(fingerprint);
            }

            var connectors = await tenants.ListConnectorsAsync(tenant.Id, token);
            Console.WriteLine($"Tenant {tenant.Domain}; connectors: {(connectors.Count == 0 ? "none" : string.Join(", ", connectors))}"
                + (fingerprints.Count == 0 ? "" : $"; client certificates: {string.Join(", ", fingerprints)}"));
            return CliRunner.ExitOk;
        }, ct));
        var list = new Command("list", "List tenants and their connectors");
        list.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var tenants = new TenantRepository(db.DataSource);
            foreach (var tenant in await tenants.ListAsync(token))
            {
                var connectors = await tenants.ListConnectorsAsync(tenant.Id, token);
                Console.WriteLine($"{tenant.Domain,-32} {(connectors.Count == 0 ? "-" : string.Join(", ", connectors))}");
            }

            return CliRunner.ExitOk;
        }, ct));
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(TenantsAuthSourceCommand.Create());
        command.Subcommands.Add(TenantsImportCommand.Create(AccountsCommand.JsonOutput));
        return command;
    }

    private static Command Remove()
    {
        var domain = new Argument<string>("domain") { Description = "The tenant's domain" };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var command = new Command("remove", "Remove a tenant that has no account left: its connectors, certificates and directory setting go, its row stays, the domain is free again") { domain, reason };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (string.IsNullOrWhiteSpace(parse.GetValue(reason)))
            {
                await Console.Error.WriteLineAsync("error: --reason must say why (it is kept in the audit log).");
                return CliRunner.ExitUsage;
            }

            switch (await new TenantRepository(db.DataSource).RemoveAsync(parse.GetValue(domain)!, parse.GetValue(reason)!.Trim(), AccountsCommand.Actor, token))
            {
                case null:
                    await Console.Error.WriteLineAsync($"error: no tenant {parse.GetValue(domain)}.");
                    return CliRunner.ExitFailure;
                case { Removed: false } refused:
                    await Console.Error.WriteLineAsync($"error: {refused.Domain} still has {refused.AccountsRemaining} account(s); remove them first with 'outboundguard accounts remove ADDRESS --reason ...'.");
                    return CliRunner.ExitFailure;
                case var removed:
                    Console.WriteLine($"Removed tenant {removed.Domain} ({removed.WaysInRemoved} connector(s), certificate(s), domain(s) and directory setting removed with it); its row stays under {removed.Tombstone}.");
                    return CliRunner.ExitOk;
            }
        }, ct));
        return command;
    }

    /// <summary>Adds shared-platform ranges, platform identities and further domains, each audited; returns the first refusal.</summary>
    private static async Task<string?> AddSharedPlatformAsync(Npgsql.NpgsqlDataSource dataSource, string tenant, string[] ranges, string[] ids, string[] names, string[] domains, CancellationToken token)
    {
        var tenants = new TenantRepository(dataSource);
        var connectors = new ConnectorTenantRepository(dataSource);
        var audit = new AuditLogRepository(dataSource);
        foreach (var range in ranges)
        {
            await tenants.AddConnectorAsync(tenant, range, sharedPlatform: true, token);
            await audit.AppendAsync(AccountsCommand.Actor, "tenant.connector.add", tenant, null, new { network = range, sharedPlatform = true }, token);
        }

        foreach (var domain in domains)
        {
            if (await connectors.AddDomainAsync(tenant, domain, token) is { } problem)
            {
                return problem;
            }

            await audit.AppendAsync(AccountsCommand.Actor, "tenant.domain.add", tenant, null, new { domain }, token);
        }

        foreach (var id in ids)
        {
            var equals = id.IndexOf('=', StringComparison.Ordinal);
            var problem = equals <= 0
                ? $"--platform-id '{id}' is not HEADER=VALUE (e.g. X-MS-Exchange-CrossTenant-Id=0a1b…)"
                : await connectors.AddPlatformIdentityAsync(tenant, id[..equals], id[(equals + 1)..], token);
            if (problem is not null)
            {
                return problem;
            }

            await audit.AppendAsync(AccountsCommand.Actor, "tenant.platform_id.add", tenant, null, new { header = id[..equals].Trim(), value = id[(equals + 1)..].Trim() }, token);
        }

        foreach (var name in names)
        {
            if (await connectors.AddPlatformIdentityAsync(tenant, null, name, token) is { } problem)
            {
                return problem;
            }

            await audit.AppendAsync(AccountsCommand.Actor, "tenant.cert_name.add", tenant, null, new { name }, token);
        }

        return null;
    }

    /// <summary>The SHA-256 fingerprint of a PEM certificate file.</summary>
    /// <exception cref="FormatException">The file holds no PEM certificate.</exception>
    private static string FingerprintOf(string pemFile)
    {
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pemFile));
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)).ToLowerInvariant();
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new FormatException($"{pemFile} holds no PEM certificate: {e.Message}", e);
        }
    }
}
