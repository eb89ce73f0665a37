using System.CommandLine;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard tenants add DOMAIN [--connector-ip CIDR ...]</c> and <c>tenants list</c>.</summary>
internal static class TenantsCommand
{
    public static Command Create()
    {
        var command = new Command("tenants", "Manage tenants and their connectors (client IP ranges that relay without AUTH)");
        var domain = new Argument<string>("domain") { Description = "The tenant's domain, e.g. tenant.example" };
        var connectorIp = new Option<string[]>("--connector-ip") { Description = "A client IP or CIDR range that relays for this tenant (repeatable)", AllowMultipleArgumentsPerToken = true };
        var clientCert = new Option<string[]>("--client-cert") { Description = "A TLS client certificate (PEM file, or its SHA-256 fingerprint) that relays for this tenant without AUTH (repeatable)", AllowMultipleArgumentsPerToken = true };
        var certAccount = new Option<string?>("--client-cert-account") { Description = "Bind the --client-cert certificates to this account instead of the envelope sender" };
        var add = new Command("add", "Create a tenant, optionally with connector ranges and client certificates") { domain, connectorIp, clientCert, certAccount };
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
        command.Subcommands.Add(TenantsAuthSourceCommand.Create());
        return command;
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
