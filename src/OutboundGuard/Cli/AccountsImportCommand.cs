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
    private const int ProgressEvery = 1000;

    public static Command Create(JsonSerializerOptions jsonOutput)
    {
        var file = new Argument<string>("file") { Description = "The CSV or JSON Lines file, or - for standard input" };
        var check = new Option<bool>("--check") { Description = "Check every line and report what an import would do, writing nothing" };
        var format = new Option<string?>("--format") { Description = "csv or jsonl (default: from the file's extension; standard input is sniffed)" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var command = new Command("import", "Create or update accounts from a CSV or JSON Lines file (upsert by address)") { file, check, format, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var path = parse.GetValue(file)!;
            string text;
            if (path == "-")
            {
                text = await Console.In.ReadToEndAsync(token);
            }
            else if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"error: no file {path}.");
                return CliRunner.ExitUsage;
            }
            else
            {
                text = await File.ReadAllTextAsync(path, token);
            }

            AccountImportFormat chosen;
            switch (parse.GetValue(format))
            {
                case "csv": chosen = AccountImportFormat.Csv; break;
                case "jsonl": chosen = AccountImportFormat.JsonLines; break;
                default:
                    if (path == "-")
                    {
                        chosen = AccountImportParser.Sniff(text);
                    }
                    else if (AccountImportParser.FormatOf(path) is { } byExtension)
                    {
                        chosen = byExtension;
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync($"error: cannot tell the format of {path} from its extension; name it .csv or .jsonl, or give --format csv|jsonl.");
                        return CliRunner.ExitUsage;
                    }

                    break;
            }

            var parsed = AccountImportParser.Parse(text, chosen, DateTimeOffset.UtcNow);
            var progress = parsed.Rows.Count >= ProgressEvery ? new StderrProgress(parsed.Rows.Count) : null;
            var report = await new AccountImporter(db.DataSource).ImportAsync(parsed, path == "-" ? "stdin" : Path.GetFileName(path), AccountsCommand.Actor,
                parse.GetValue(check), progress, cancellationToken: token);
            progress?.Done();

            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    report.Check, report.Created, report.Updated, report.Unchanged, report.Refused, report.TenantsCreated,
                    refusals = report.Refusals.Select(r => new { r.Line, r.Field, r.Reason, text = r.ToString() }),
                    report.Summary,
                }, jsonOutput));
            }
            else
            {
                foreach (var refusal in report.Refusals)
                {
                    await Console.Error.WriteLineAsync(refusal.ToString());
                }

                Console.WriteLine(report.Summary + ".");
            }

            return report.Refused == 0 ? CliRunner.ExitOk : CliRunner.ExitFailure;
        }, ct));
        return command;
    }

    /// <summary>A progress line on stderr: redrawn in place on a terminal, one line per 1,000 accounts otherwise.</summary>
    private sealed class StderrProgress(int total) : IProgress<int>
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private int _lastPrinted;

        public void Report(int value)
        {
            if (_terminal)
            {
                var width = 30;
                var filled = (int)((long)width * value / Math.Max(1, total));
                Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {value}/{total} accounts");
            }
            else if (value - _lastPrinted >= ProgressEvery || value == total)
            {
                _lastPrinted = value;
                Console.Error.WriteLine($"{value} of {total} account(s) done");
            }
        }

        public void Done()
        {
            if (_terminal)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
