using System.CommandLine;
using System.Globalization;
using OutboundGuard.Replay;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Capture;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard capture ACCOUNT --from TIME --to TIME --out DIR</c>: exports an account's traffic around an
/// incident from the spool into the burst format, to replay as a regression test.
/// </summary>
internal static class CaptureCommand
{
    public static Command Create()
    {
        var account = new Argument<string>("account") { Description = "The account's address" };
        var from = new Option<string>("--from") { Description = "Start of the window (ISO 8601, e.g. 2026-03-02T08:00:00Z)", Required = true };
        var to = new Option<string>("--to") { Description = "End of the window (ISO 8601), exclusive", Required = true };
        var output = new Option<string>("--out") { Description = "The burst folder to write", Required = true };
        var label = new Option<string?>("--label") { Description = "Label every entry for reports: spam, phish or ham" };
        var command = new Command("capture", "Export an account's traffic in a time window as a replayable burst") { account, from, to, output, label };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (!DateTimeOffset.TryParse(parse.GetValue(from), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
                || !DateTimeOffset.TryParse(parse.GetValue(to), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end) || end <= start)
            {
                await Console.Error.WriteLineAsync("error: --from and --to must be ISO 8601 times with --from before --to.");
                return CliRunner.ExitUsage;
            }

            var record = await new AccountRepository(db.DataSource).FindAsync(parse.GetValue(account)!, token);
            if (record is null)
            {
                await Console.Error.WriteLineAsync($"error: no account {parse.GetValue(account)}.");
                return CliRunner.ExitFailure;
            }

            var count = await CaptureExporter.ExportAsync(record, new CaptureRepository(db.DataSource), start, end, parse.GetValue(output)!, parse.GetValue(label), token);
            Console.WriteLine($"Captured {count} message(s) of {record.Address} into {Path.GetFullPath(parse.GetValue(output)!)}.");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }
}
