using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OutboundGuard.Hosting;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Simulation;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard simulate</c>: a week (or more) of traffic for a thousand accounts with injected attacks,
/// scored in-process on a fake clock in seconds, reporting per attack how much got out before containment
/// and how many legitimate accounts were touched — to try a policy before it goes live.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var accounts = new Option<int>("--accounts") { Description = "Ordinary accounts", DefaultValueFactory = _ => 1000 };
        var days = new Option<int>("--days") { Description = "Simulated days after a week of warm-up", DefaultValueFactory = _ => 7 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same traffic)", DefaultValueFactory = _ => 42 };
        var policy = new Option<string?>("--policy") { Description = "A JSON file with OutboundGuard:Scoring keys to simulate instead of the configured policy" };
        var command = new Command("simulate", "Simulate a week of traffic with injected attacks against the scoring policy") { accounts, days, seed, policy, CommonOptions.Json };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(accounts) is < 1 or > 100_000 || parse.GetValue(days) is < 1 or > 60)
            {
                await Console.Error.WriteLineAsync("error: --accounts must be 1–100000 and --days 1–60.");
                return CliRunner.ExitUsage;
            }

            ScoringOptions scoring;
            try
            {
                var configuration = HostConfiguration.Build(parse);
                if (parse.GetValue(policy) is { } file)
                {
                    configuration = new ConfigurationBuilder().AddConfiguration(configuration).AddJsonFile(Path.GetFullPath(file), optional: false).Build();
                }

                scoring = configuration.GetSection(ScoringOptions.SectionName).Get<ScoringOptions>() ?? new ScoringOptions();
                scoring.Validate();
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or InvalidDataException or FormatException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return CliRunner.ExitUsage;
            }

            var report = await Task.Run(() => TrafficSimulation.Run(new SimulationOptions
            {
                OrdinaryAccounts = parse.GetValue(accounts),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                Scoring = scoring,
            }), ct);
            Console.WriteLine(parse.GetValue(CommonOptions.Json)
                ? JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })
                : report.ToString());
            return CliRunner.ExitOk;
        });
        return command;
    }
}
