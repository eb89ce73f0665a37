using System.CommandLine;
using System.Net;
using System.Text.Json;
using OutboundGuard.Replay;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Replaying;
using OutboundGuard.Replay.Reporting;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard replay BURST</c>: sends a captured burst to a relay over SMTP and reports, per account, what
/// the relay did (text on stdout, JSON for CI with --json); or, with --offline, runs it through the scoring
/// pipeline in-process under the current and a candidate policy.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var burst = new Argument<string>("burst") { Description = "A burst folder (manifest.jsonl), a .tar.gz or .zip of one, a folder of .eml files or an mbox file" };
        var server = new Option<string>("--server") { Description = "The relay's SMTP endpoint HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:2525" };
        var startTls = new Option<bool>("--starttls") { Description = "Use STARTTLS before AUTH" };
        var insecure = new Option<bool>("--insecure-tls") { Description = "Accept any server certificate (implied for a loopback server)" };
        var pace = new Option<string>("--pace") { Description = "captured, compressed:N (N times faster) or fast", DefaultValueFactory = _ => "captured" };
        var concurrency = new Option<int>("--concurrency") { Description = "Messages in flight at once", DefaultValueFactory = _ => 8 };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
        var accountsFile = new Option<string?>("--accounts") { Description = "A JSON file of credentials: {\"address\": \"password\"} or the burst format's accounts.json" };
        var passwordStdin = new Option<bool>("--accounts-password-stdin") { Description = "Read credentials from standard input: one \"ADDRESS PASSWORD\" per line, or one password for --account" };
        var account = new Option<string?>("--account") { Description = "The sending account for an .eml folder or mbox file" };
        var interval = new Option<double>("--interval") { Description = "Seconds between messages of an .eml folder or mbox file", DefaultValueFactory = _ => 1 };
        var closeIdle = new Option<double?>("--close-idle") { Description = "Close a session's connection when its next message is more than SECONDS of captured time away (default: keep connections open)" };
        var noReplayTime = new Option<bool>("--no-replay-time") { Description = "Do not send the X-OutboundGuard-Replay-Time header" };
        var policy = new Option<string?>("--policy") { Description = "With --offline: a candidate scoring policy (JSON, OutboundGuard:Scoring keys) to compare with the current one" };
        var offline = new Option<bool>("--offline") { Description = "Do not connect: score the burst in-process with the current policy (and --policy) and report what each would have done" };
        var command = new Command("replay", "Replay a captured burst against a relay and report what it contained")
        {
            burst, server, startTls, insecure, pace, concurrency, json, accountsFile, passwordStdin, account, interval, closeIdle, noReplayTime, policy, offline,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!ReplayPace.TryParse(parse.GetValue(pace), out var chosenPace))
            {
                await Console.Error.WriteLineAsync($"error: --pace must be captured, compressed:N or fast, not {parse.GetValue(pace)}.");
                return CliRunner.ExitUsage;
            }

            Dictionary<string, string> passwords;
            try
            {
                passwords = await ReadPasswordsAsync(parse.GetValue(accountsFile), parse.GetValue(passwordStdin), parse.GetValue(account), ct);
            }
            catch (Exception e) when (e is IOException or JsonException or FormatException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return CliRunner.ExitUsage;
            }

            Burst opened;
            try
            {
                var single = parse.GetValue(account);
                opened = BurstReader.Open(parse.GetValue(burst)!, new BurstOpenOptions
                {
                    Account = single,
                    Password = single is null ? null : passwords.GetValueOrDefault(single),
                    Interval = TimeSpan.FromSeconds(parse.GetValue(interval)),
                });
            }
            catch (Exception e) when (e is BurstFormatException or FileNotFoundException or IOException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return CliRunner.ExitUsage;
            }

            using (opened)
            {
                if (parse.GetValue(offline))
                {
                    return await OfflineReplay.RunAsync(parse, opened, parse.GetValue(policy), parse.GetValue(json), ct);
                }

                if (!TryParseEndpoint(parse.GetValue(server)!, out var host, out var port))
                {
                    await Console.Error.WriteLineAsync($"error: --server must be HOST:PORT, not {parse.GetValue(server)}.");
                    return CliRunner.ExitUsage;
                }

                var options = new ReplayOptions
                {
                    Host = host,
                    Port = port,
                    StartTls = parse.GetValue(startTls),
                    TrustAnyCertificate = parse.GetValue(insecure) || IsLoopback(host),
                    Pace = chosenPace.Value,
                    Concurrency = Math.Max(1, parse.GetValue(concurrency)),
                    SendReplayTime = !parse.GetValue(noReplayTime),
                    CloseIdleAfter = parse.GetValue(closeIdle) is { } seconds ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : null,
                    BindClientAddresses = IsLoopback(host) && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !host.Contains(':', StringComparison.Ordinal),
                    Passwords = passwords,
                };
                return await RunAsync(opened, options, parse.GetValue(json), ct);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(Burst burst, ReplayOptions options, string? jsonPath, CancellationToken cancellationToken)
    {
        var progress = new ReplayProgress(Console.Error, !Console.IsErrorRedirected, burst.Entries.Count);
        var startedAt = DateTimeOffset.UtcNow;
        var started = TimeProvider.System.GetTimestamp();
        var results = await new SmtpReplayer(options).ReplayAsync(burst, progress.Report, cancellationToken);
        progress.Complete();
        var report = ReportBuilder.Build(burst, results, $"{options.Host}:{options.Port}", options.Pace, startedAt, TimeProvider.System.GetElapsedTime(started));
        Console.Write(ReportText.ToText(report));
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, ReportText.ToJson(report) + "\n", cancellationToken);
        }

        // Every message failed to reach the relay: the set-up is broken, not the containment.
        return report.Sent > 0 && report.Failed == report.Sent ? CliRunner.ExitFailure : CliRunner.ExitOk;
    }

    private static async Task<Dictionary<string, string>> ReadPasswordsAsync(string? file, bool stdin, string? single, CancellationToken cancellationToken)
    {
        var passwords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (file is not null)
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    passwords[property.Name] = property.Value.GetString() ?? "";
                }
            }
            else
            {
                foreach (var a in document.RootElement.Deserialize<List<BurstAccount>>(BurstJson.Document) ?? [])
                {
                    if (a.Password is not null)
                    {
                        passwords[a.Address] = a.Password;
                    }
                }
            }
        }

        if (stdin)
        {
            while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
            {
                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                var space = line.IndexOfAny([' ', '\t']);
                if (space > 0)
                {
                    passwords[line[..space]] = line[(space + 1)..].Trim();
                }
                else if (single is not null)
                {
                    passwords[single] = line;
                }
                else
                {
                    throw new FormatException("--accounts-password-stdin: a line without an address needs --account.");
                }
            }
        }

        return passwords;
    }

    private static bool TryParseEndpoint(string text, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        return int.TryParse(text[(colon + 1)..], out port) && port is > 0 and < 65536 && host.Length > 0;
    }

    private static bool IsLoopback(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
