using System.CommandLine;
using System.Text.Json;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Cli;

/// <summary>
/// What <c>accounts import</c> and <c>tenants import</c> share on the command line: the FILE argument (or - for
/// standard input), <c>--check</c>, <c>--format</c>, reading the text and telling its format, and the report of
/// refused lines with the exit code (0 all imported, 1 some refused, 2 usage or the file refused as a whole).
/// </summary>
internal sealed class ImportInput
{
    public Argument<string> File { get; } = new("file") { Description = "The CSV or JSON Lines file, or - for standard input" };

    public Option<bool> Check { get; } = new("--check") { Description = "Check every line and report what an import would do, writing nothing" };

    public Option<string?> Format { get; } = new("--format") { Description = "csv or jsonl (default: from the file's extension; standard input is sniffed)" };

    public ImportInput() => Format.AcceptOnlyFromAmong("csv", "jsonl");

    /// <summary>
    /// The whole verb: reads the file, parses it, imports (or checks) with progress on stderr for long files, and
    /// reports; returns the exit code.
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="json">The CLI's JSON output options.</param>
    /// <param name="unit">What a line is, for the progress ("account(s)").</param>
    /// <param name="progressEvery">Rows from which on progress is shown, and between printed progress lines.</param>
    /// <param name="parseFile">The importer's parser.</param>
    /// <param name="import">The importer: rows, file name, check, progress, token.</param>
    /// <param name="counts">The report's counts for <c>--json</c>.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    public async Task<int> RunAsync<TRow, TReport>(ParseResult parse, JsonSerializerOptions json, string unit, int progressEvery,
        Func<string, ImportFormat, ImportParseResult<TRow>> parseFile,
        Func<ImportParseResult<TRow>, string, bool, IProgress<int>?, CancellationToken, Task<TReport>> import,
        Func<TReport, object> counts, CancellationToken cancellationToken)
        where TReport : ImportReport
    {
        if (await ReadAsync(parse, cancellationToken) is not { } file)
        {
            return CliRunner.ExitUsage;
        }

        var parsed = parseFile(file.Text, file.Format);
        var progress = parsed.Rows.Count >= progressEvery ? new StderrProgress(parsed.Rows.Count, unit, progressEvery) : null;
        var report = await import(parsed, file.Source, parse.GetValue(Check), progress, cancellationToken);
        progress?.Done();
        return await ReportAsync(parse, json, counts(report), report.Refusals, report.Summary);
    }

    /// <summary>The text, its format and its name for the audit log (<c>stdin</c> for standard input); null after an error was printed.</summary>
    private async Task<(string Text, ImportFormat Format, string Source)?> ReadAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var path = parse.GetValue(File)!;
        string text;
        if (path == "-")
        {
            text = await Console.In.ReadToEndAsync(cancellationToken);
        }
        else if (!System.IO.File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"error: no file {path}.");
            return null;
        }
        else
        {
            text = await System.IO.File.ReadAllTextAsync(path, cancellationToken);
        }

        ImportFormat format;
        switch (parse.GetValue(Format))
        {
            case "csv": format = ImportFormat.Csv; break;
            case "jsonl": format = ImportFormat.JsonLines; break;
            default:
                if (path == "-")
                {
                    format = ImportFile.Sniff(text);
                }
                else if (ImportFile.FormatOf(path) is { } byExtension)
                {
                    format = byExtension;
                }
                else
                {
                    await Console.Error.WriteLineAsync($"error: cannot tell the format of {path} from its extension; name it .csv or .jsonl, or give --format csv|jsonl.");
                    return null;
                }

                break;
        }

        return (text, format, path == "-" ? "stdin" : Path.GetFileName(path));
    }

    /// <summary>
    /// Prints the refused lines on stderr and the summary on stdout, or with <c>--json</c> the counts, the refusals and
    /// the summary as one JSON object; returns the exit code.
    /// </summary>
    private static async Task<int> ReportAsync(ParseResult parse, JsonSerializerOptions json, object counts, IReadOnlyList<ImportRefusal> refusals, string summary)
    {
        if (parse.GetValue(CommonOptions.Json))
        {
            var report = JsonSerializer.SerializeToNode(counts, json)!.AsObject();
            report["refusals"] = JsonSerializer.SerializeToNode(refusals.Select(r => new { r.Line, r.Field, r.Reason, text = r.ToString() }), json);
            report["summary"] = summary;
            Console.WriteLine(report.ToJsonString(json));
            return refusals.Count == 0 ? CliRunner.ExitOk : CliRunner.ExitFailure;
        }

        foreach (var refusal in refusals)
        {
            await Console.Error.WriteLineAsync(refusal.ToString());
        }

        Console.WriteLine(summary + ".");
        return refusals.Count == 0 ? CliRunner.ExitOk : CliRunner.ExitFailure;
    }
}
