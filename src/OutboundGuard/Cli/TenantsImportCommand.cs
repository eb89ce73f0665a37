using System.CommandLine;
using System.Text.Json;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard tenants import FILE [--check] [--format csv|jsonl] [--json]</c>: creates and updates tenants
/// (upsert by domain) with their admin address, further domains, connector and shared-platform ranges and platform
/// identities, in batched transactions. Exit codes as <c>accounts import</c>.
/// </summary>
internal static class TenantsImportCommand
{
    public static Command Create(JsonSerializerOptions jsonOutput)
    {
        var input = new ImportInput();
        var command = new Command("import", "Create or update tenants from a CSV or JSON Lines file (upsert by domain)") { input.File, input.Check, input.Format, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, (db, _, token) => input.RunAsync(parse, jsonOutput, "tenant(s)", 200,
            TenantImportParser.Parse,
            (parsed, source, check, progress, cancel) => new TenantImporter(db.DataSource).ImportAsync(parsed, source, AccountsCommand.Actor, check, progress, cancellationToken: cancel),
            report => new { report.Check, report.Created, report.Updated, report.Unchanged, report.Refused },
            token), ct));
        return command;
    }
}
