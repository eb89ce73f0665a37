using System.CommandLine;
using System.Text.Json;
using OutboundGuard.Storage.Accounts.Learning;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard accounts learn FILE… [--check] [--json]</c>: seeds known accounts' usual hourly volume from an
/// existing Postfix or Exim main log (plain or .gz), so that established senders' rhythms are known on day one.
/// Users the logs name that are no account are reported, not created. Exit 0 when every user in the logs is an
/// account, 1 when some are not, 2 for usage errors.
/// </summary>
internal static class AccountsLearnCommand
{
    private const long ProgressEvery = 100_000;

    public static Command Create(JsonSerializerOptions jsonOutput)
    {
        var files = new Argument<string[]>("files") { Description = "Postfix or Exim main logs (mail.log, mainlog; .gz read as gzip)", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Read the logs and report what would be learned, writing nothing" };
        var command = new Command("learn", "Seed accounts' usual hourly volume from existing Postfix or Exim logs") { files, check, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var paths = parse.GetValue(files)!;
            if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            {
                await Console.Error.WriteLineAsync($"error: no file {missing}.");
                return CliRunner.ExitUsage;
            }

            var reader = new MailLogReader(DateTimeOffset.UtcNow);
            var entries = new List<MailLogEntry>();
            var progress = new StderrProgress(paths.Sum(p => new FileInfo(p).Length), "bytes", ProgressEvery * 100);
            long done = 0;
            foreach (var path in paths)
            {
                await using var file = File.OpenRead(path);
                await using Stream input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
                using var text = new StreamReader(input);
                while (await text.ReadLineAsync(token) is { } line)
                {
                    if (reader.Read(line) is { } entry)
                    {
                        entries.Add(entry);
                    }

                    if (reader.Lines % ProgressEvery == 0)
                    {
                        progress.Report(done + file.Position);
                    }
                }

                done += file.Length;
                progress.Report(done);
            }

            entries.AddRange(reader.Complete());
            progress.Done();
            var report = await new AccountBaselineLearner(db.DataSource).LearnAsync(entries, reader.Lines, paths.Select(p => Path.GetFileName(p)).ToList(), AccountsCommand.Actor,
                parse.GetValue(check), token);

            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { report.Check, report.Lines, report.Messages, report.Learned, report.Unknown, report.Summary }, jsonOutput));
            }
            else
            {
                foreach (var user in report.Unknown)
                {
                    await Console.Error.WriteLineAsync($"unknown account {user.User}: {user.Messages} message(s) in the logs, not created");
                }

                foreach (var account in report.Learned)
                {
                    Console.WriteLine($"{account.User}: {account.MessagesPerHour:0.#} messages and {account.RecipientsPerHour:0.#} recipients per active hour ({account.Messages} messages in {account.ActiveHours} hours since {account.First:yyyy-MM-dd})");
                }

                Console.WriteLine(report.Summary + ".");
            }

            return report.Unknown.Count == 0 ? CliRunner.ExitOk : CliRunner.ExitFailure;
        }, ct));
        return command;
    }
}
