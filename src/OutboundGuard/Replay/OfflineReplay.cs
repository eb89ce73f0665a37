using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OutboundGuard.Cli;
using OutboundGuard.Hosting;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Simulation;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Replay;

/// <summary>
/// <c>replay --offline [--policy candidate.json]</c>: what the current policy (from configuration) and a
/// candidate would each have done with a burst — messages out before containment per abusive account,
/// legitimate accounts touched — side by side.
/// </summary>
internal static class OfflineReplay
{
    public static async Task<int> RunAsync(ParseResult parse, Burst burst, string? candidatePath, string? jsonPath, CancellationToken cancellationToken)
    {
        ScoringOptions current, candidate;
        try
        {
            current = Options(HostConfiguration.Build(parse));
            candidate = candidatePath is null ? current : Options(new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(candidatePath), optional: false).Build());
            current.Validate();
            candidate.Validate();
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or FormatException or InvalidDataException or ArgumentException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return CliRunner.ExitUsage;
        }

        var runs = new Dictionary<string, IReadOnlyList<OfflineAccountOutcome>>
        {
            ["current"] = OfflineSimulation.Run(burst, current),
        };
        if (candidatePath is not null)
        {
            runs["candidate"] = OfflineSimulation.Run(burst, candidate);
        }

        Console.Write(Text(burst, runs));
        if (jsonPath is not null)
        {
            var document = new
            {
                burst = burst.Name,
                policies = runs.ToDictionary(r => r.Key, r => new
                {
                    abusive_relayed_before_containment = r.Value.Where(a => a.Abusive).Sum(a => a.RelayedBeforeContainment),
                    legitimate_accounts_touched = r.Value.Count(a => !a.Abusive && a.Touched),
                    legitimate_accounts_suspended = r.Value.Count(a => !a.Abusive && a.Suspended),
                    accounts = r.Value,
                }),
            };
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(document, BurstJson.Document) + "\n", cancellationToken);
        }

        return CliRunner.ExitOk;
    }

    /// <summary>Binds OutboundGuard:Scoring when the file has that section, else the file's root.</summary>
    private static ScoringOptions Options(IConfiguration configuration)
    {
        var section = configuration.GetSection(ScoringOptions.SectionName);
        return (section.Exists() ? section.Get<ScoringOptions>() : configuration.Get<ScoringOptions>()) ?? new ScoringOptions();
    }

    private static string Text(Burst burst, Dictionary<string, IReadOnlyList<OfflineAccountOutcome>> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Offline what-if for burst {burst.Name} ({burst.Entries.Count} messages, captured time)");
        text.Append(c, $"{"ACCOUNT",-36} {"ROLE",-10}");
        foreach (var name in runs.Keys)
        {
            text.Append(c, $" | {name.ToUpperInvariant() + ": out before containment / relayed / throttled / quarantined / refused",-0}");
        }

        text.AppendLine();
        foreach (var account in burst.AccountAddresses)
        {
            text.Append(c, $"{account,-36} {(burst.IsAbusive(account) ? "abusive" : "legitimate"),-10}");
            foreach (var run in runs.Values)
            {
                var a = run.First(o => o.Account.Equals(account, StringComparison.OrdinalIgnoreCase));
                text.Append(c, $" | {a.RelayedBeforeContainment,4} / {a.Relayed,4} / {a.Throttled,4} / {a.Quarantined,4} / {a.Refused,4}{(a.Suspended ? " suspended" : "")}");
            }

            text.AppendLine();
        }

        foreach (var (name, run) in runs)
        {
            text.AppendLine(c, $"{name}: abusive messages out before containment {run.Where(a => a.Abusive).Sum(a => a.RelayedBeforeContainment)}, legitimate accounts touched {run.Count(a => !a.Abusive && a.Touched)}, suspended {run.Count(a => !a.Abusive && a.Suspended)}.");
        }

        return text.ToString();
    }
}
