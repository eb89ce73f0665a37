using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard accounts show ADDRESS [--json]</c>: state, limits, latest verdicts with their evidence.</summary>
internal static class AccountsShowCommand
{
    public static Command Create(JsonSerializerOptions json)
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox" };
        var count = new Option<int>("--verdicts") { Description = "How many recent verdicts with findings to show", DefaultValueFactory = _ => 10 };
        var command = new Command("show", "Show an account: state, limits, latest verdicts with their evidence") { address, count, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, configuration, token) =>
        {
            var account = await new AccountRepository(db.DataSource).FindAsync(parse.GetValue(address)!, token);
            if (account is null)
            {
                await Console.Error.WriteLineAsync($"error: no account {parse.GetValue(address)}.");
                return CliRunner.ExitFailure;
            }

            var verdicts = await new VerdictRepository(db.DataSource).LatestForAccountAsync(account.Id, parse.GetValue(count), onlyFindings: true, token);
            var history = await new AccountRepository(db.DataSource).HistoryAsync(account.Id, 10, token);
            var messages = await new SpooledMessageRepository(db.DataSource).CountByStateAsync(account.Id, token);
            var limits = account.EffectiveLimits(configuration.GetSection(Hosting.ScoringRegistration.DefaultLimitsSection).Get<AccountLimits>() ?? AccountLimits.Default);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    account.Id,
                    account.Address,
                    account.Tenant,
                    account.State,
                    account.StateReason,
                    account.ThrottledUntil,
                    account.CredentialResetRequired,
                    account.CreatedAt,
                    Limits = limits,
                    Messages = messages,
                    Verdicts = verdicts.Select(v => new { v.Id, v.Action, v.Score, v.Reason, v.DecidedAt, v.MessageId, v.Subject, Evidence = v.EvidenceItems }),
                    History = history,
                }, json));
                return CliRunner.ExitOk;
            }

            Console.WriteLine($"Account   {account.Address} (tenant {account.Tenant}, id {account.Id})");
            Console.WriteLine($"State     {account.State}{(account.StateReason is null ? "" : " — " + account.StateReason)}{(account.ThrottledUntil is { } until ? $" until {until:u}" : "")}");
            Console.WriteLine($"Limits    {limits.MessagesPerMinute} msg/min, {limits.MessagesPerHour} msg/h, {limits.RecipientsPerMinute} rcpt/min, {limits.RecipientsPerHour} rcpt/h, {limits.RecipientsPerDay} rcpt/day");
            Console.WriteLine($"Messages  {(messages.Count == 0 ? "none" : string.Join(", ", messages.Select(m => $"{m.Value} {m.Key}")))}");
            Console.WriteLine();
            Console.WriteLine(verdicts.Count == 0 ? "No verdicts with findings." : "Latest verdicts with findings:");
            foreach (var v in verdicts)
            {
                Console.WriteLine($"  {v.DecidedAt.ToString("u", CultureInfo.InvariantCulture)}  {v.Action,-10} score {v.Score,5:0.#}  {v.Subject}");
                foreach (var e in v.EvidenceItems)
                {
                    Console.WriteLine($"      [{e.Detector}] +{e.Weight:0.#}  {e.Text}");
                }
            }

            if (history.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine("State history:");
                foreach (var h in history)
                {
                    Console.WriteLine($"  {h.ChangedAt.ToString("u", CultureInfo.InvariantCulture)}  {h.FromState} → {h.ToState} by {h.Actor}: {h.Reason}");
                }
            }

            return CliRunner.ExitOk;
        }, ct));
        return command;
    }
}
