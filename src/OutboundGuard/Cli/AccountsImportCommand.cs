using System.CommandLine;
using System.Text.Json;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard accounts import FILE [--check] [--format csv|jsonl] [--json]</c>: creates and updates accounts
/// from a provider's CSV or JSON Lines file (address, tenant, created_at, state, password_hash, limits, usual volume),
/// in batched transactions on one connection. Exit 0 when every line was imported, 1 when some were refused,
/// 2 for usage errors and files refused as a whole.
/// </summary>
internal static class AccountsImportCommand
{
    public static Command Create(JsonSerializerOptions jsonOutput)
    {
        var input = new ImportInput();
        var command = new Command("import", "Create or update accounts from a CSV or JSON Lines file (upsert by address)") { input.File, input.Check, input.Format, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, (db, _, token) => input.RunAsync(parse, jsonOutput, "account(s)", 1000,
            (text, format) => AccountImportParser.Parse(text, format, DateTimeOffset.UtcNow),
            (parsed, source, check, progress, cancel) => new AccountImporter(db.DataSource).ImportAsync(parsed, source, AccountsCommand.Actor, check, progress, cancellationToken: cancel),
            report => new { report.Check, report.Created, report.Updated, report.Unchanged, report.Refused, report.TenantsCreated },
            token), ct));
        return command;
    }
}
