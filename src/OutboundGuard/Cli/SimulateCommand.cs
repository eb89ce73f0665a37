using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OutboundGuard.Hosting;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Replay.Simulation;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard simulate</c>: a week (or more) of traffic with injected attacks, scored in-process on a fake
/// clock, reporting per attack how much got out before containment and, per category of legitimate sender, how
/// many messages were deferred, held or refused — to try a policy before it goes live. <c>--messages 1000000</c>
/// sizes the population for a million legitimate messages (a few minutes on two cores); progress goes to stderr.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var accounts = new Option<int>("--accounts") { Description = "Ordinary accounts", DefaultValueFactory = _ => 1000 };
        var days = new Option<int>("--days") { Description = "Simulated days after a week of warm-up", DefaultValueFactory = _ => 7 };
        var messages = new Option<int>("--messages") { Description = "Size the population so the simulated days hold at least this many legitimate messages (overrides --accounts)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same traffic)", DefaultValueFactory = _ => 42 };
        var policy = new Option<string?>("--policy") { Description = "A JSON file with OutboundGuard:Scoring keys to simulate instead of the configured policy" };
        var command = new Command("simulate", "Simulate a week of traffic with injected attacks against the scoring policy") { accounts, messages, days, seed, policy, CommonOptions.Json };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(accounts) is < 1 or > 100_000 || parse.GetValue(days) is < 1 or > 60 || parse.GetValue(messages) is < 0 or > 20_000_000)
            {
                await Console.Error.WriteLineAsync("error: --accounts must be 1–100000, --days 1–60 and --messages 0–20000000.");
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
                LegitimateMessages = parse.GetValue(messages),
                Days = parse.GetValue(days),
                Seed = parse.GetValue(seed),
                Scoring = scoring,
                Progress = Report,
            }), ct);
            Console.WriteLine(parse.GetValue(CommonOptions.Json)
                ? JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })
                : report.ToString());
            return CliRunner.ExitOk;
        });
        return command;
    }

    private static void Report(SimulationProgress p) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"simulate: {p.Scored:N0} attempts scored of about {p.Planned:N0} planned, simulated clock {p.SimulatedTime:yyyy-MM-dd HH:mm}, {p.Elapsed.TotalSeconds:0} s"));
}
