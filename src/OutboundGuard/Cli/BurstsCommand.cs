using System.CommandLine;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard bursts generate</c> (the reference bursts, from the SpamAssassin corpus when present) and
/// <c>bursts setup BURST</c> (creates a burst's accounts with their passwords, ages and limits before a replay).
/// </summary>
internal static class BurstsCommand
{
    public static Command Create()
    {
        var command = new Command("bursts", "Generate reference bursts and set up their accounts");
        command.Subcommands.Add(Generate());
        command.Subcommands.Add(Setup());
        return command;
    }

    private static Command Generate()
    {
        var corpus = new Option<string?>("--corpus") { Description = "The corpus folder from scripts/fetch-corpus.sh (default .corpus; built-in texts when absent)", DefaultValueFactory = _ => ".corpus" };
        var output = new Option<string>("--out") { Description = "Folder to write the bursts into (one subfolder each)", Required = true };
        var only = new Option<string[]>("--only") { Description = "Only these bursts: " + string.Join(", ", BurstGenerator.Names), AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random choices", DefaultValueFactory = _ => 8 };
        var scenario = new Option<string?>("--scenario") { Description = "Write one larger scenario into --out itself instead of the reference bursts: " + string.Join(", ", BurstGenerator.Scenarios) };
        var command = new Command("generate", "Write the reference bursts (hijack, phishing, campus, low-and-slow, newsletter, ordinary ham), or one scenario") { corpus, output, only, seed, scenario };
        command.SetAction(async (parse, ct) =>
        {
            var generator = new BurstGenerator(CorpusSource.TryOpen(parse.GetValue(corpus)), parse.GetValue(seed));
            if (parse.GetValue(scenario) is { } chosenScenario)
            {
                if (!BurstGenerator.Scenarios.Contains(chosenScenario))
                {
                    await Console.Error.WriteLineAsync($"error: unknown scenario {chosenScenario}; known: {string.Join(", ", BurstGenerator.Scenarios)}.");
                    return CliRunner.ExitUsage;
                }

                var written = generator.Generate(chosenScenario, parse.GetValue(output)!);
                using var generated = BurstReader.Open(written);
                Console.WriteLine($"{chosenScenario} (seed {parse.GetValue(seed)}): {generated.Entries.Count} messages, {generated.AccountAddresses.Count} accounts → {written}");
                Console.WriteLine($"Texts from {generator.Source}.");
                return CliRunner.ExitOk;
            }

            var names = parse.GetValue(only) is { Length: > 0 } chosen ? chosen : [.. BurstGenerator.Names];
            foreach (var name in names)
            {
                if (!BurstGenerator.Names.Contains(name))
                {
                    await Console.Error.WriteLineAsync($"error: unknown burst {name}; known: {string.Join(", ", BurstGenerator.Names)}.");
                    return CliRunner.ExitUsage;
                }

                var folder = generator.Generate(name, Path.Combine(parse.GetValue(output)!, name));
                using var burst = BurstReader.Open(folder);
                Console.WriteLine($"{name}: {burst.Entries.Count} messages, {burst.AccountAddresses.Count} accounts → {folder}");
            }

            Console.WriteLine($"Texts from {generator.Source}.");
            return CliRunner.ExitOk;
        });
        return command;
    }

    private static Command Setup()
    {
        var burstPath = new Argument<string>("burst") { Description = "The burst whose accounts.json to apply" };
        var command = new Command("setup", "Create a burst's accounts (passwords, age, limits) in the relay's database") { burstPath };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            // The same importer as `accounts import`: the one way an account gets its age, limits and password hash.
            using var burst = BurstReader.Open(parse.GetValue(burstPath)!);
            var now = DateTimeOffset.UtcNow;
            var rows = burst.AccountAddresses.Select(address =>
            {
                var setup = burst.AccountSetup(address) ?? new BurstAccount { Address = address };
                var password = burst.PasswordOf(address);
                var limits = setup.Limits;
                return new AccountImportRow
                {
                    Address = AccountRepository.NormalizeAddress(address),
                    CreatedAt = now - TimeSpan.FromDays(setup.CreatedDaysAgo),
                    PasswordHash = password is null ? null : PasswordHasher.Hash(password),
                    MessagesPerMinute = limits?.MessagesPerMinute,
                    MessagesPerHour = limits?.MessagesPerHour,
                    RecipientsPerMinute = limits?.RecipientsPerMinute,
                    RecipientsPerHour = limits?.RecipientsPerHour,
                    RecipientsPerDay = limits?.RecipientsPerDay,
                };
            }).ToList();
            var report = await new AccountImporter(db.DataSource).ImportAsync(new OutboundGuard.Storage.Import.ImportParseResult<AccountImportRow>(rows, []), "burst " + burst.Name, AccountsCommand.Actor, cancellationToken: token);
            Console.WriteLine($"Set up {burst.AccountAddresses.Count} account(s) of {burst.Name}: {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged.");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }
}
