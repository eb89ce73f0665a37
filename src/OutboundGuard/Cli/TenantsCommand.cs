using System.CommandLine;
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
        var add = new Command("add", "Create a tenant, optionally with connector ranges") { domain, connectorIp };
        add.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var tenants = new TenantRepository(db.DataSource);
            var tenant = await tenants.EnsureAsync(parse.GetValue(domain)!, token);
            foreach (var range in parse.GetValue(connectorIp) ?? [])
            {
                await tenants.AddConnectorAsync(tenant.Domain, range, token);
            }

            var connectors = await tenants.ListConnectorsAsync(tenant.Id, token);
            Console.WriteLine($"Tenant {tenant.Domain}; connectors: {(connectors.Count == 0 ? "none" : string.Join(", ", connectors))}");
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
        return command;
    }
}
