using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OutboundGuard.Accounts;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Security;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard accounts add|import|list|show|suspend|throttle|reinstate|require-new-password|remove</c>.</summary>
internal static class AccountsCommand
{
    internal static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("accounts", "Manage sending accounts");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(AccountsShowCommand.Create(JsonOutput));
        command.Subcommands.Add(AccountsImportCommand.Create(JsonOutput));
        command.Subcommands.Add(AccountsLearnCommand.Create(JsonOutput));
        command.Subcommands.Add(ChangeState("suspend", AccountState.Suspended, "Suspend an account: every further message is refused with 550 5.7.1"));
        command.Subcommands.Add(Throttle());
        command.Subcommands.Add(ChangeState("reinstate", AccountState.Active, "Reinstate a suspended or throttled account"));
        command.Subcommands.Add(RequireNewPassword());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox, e.g. alice@tenant.example" };
        var tenant = new Option<string?>("--tenant") { Description = "An existing tenant's domain (made with tenants add); default: the address's domain, created when missing" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the SMTP AUTH password from standard input (first line)" };
        var command = new Command("add", "Create an account") { address, tenant, passwordStdin, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var mailbox = AccountRepository.NormalizeAddress(parse.GetValue(address)!);
            string? password = null;
            if (parse.GetValue(passwordStdin))
            {
                password = (await Console.In.ReadLineAsync(token))?.TrimEnd('\r');
                if (string.IsNullOrEmpty(password))
                {
                    await Console.Error.WriteLineAsync("error: --password-stdin was given but standard input held no password.");
                    return CliRunner.ExitUsage;
                }

                if (PasswordRule.Problem(password) is { } weak)
                {
                    await Console.Error.WriteLineAsync("error: " + weak);
                    return CliRunner.ExitUsage;
                }
            }

            var tenantChoice = await NewAccountTenant.ResolveAsync(new TenantRepository(db.DataSource), mailbox, parse.GetValue(tenant), Actor, mayCreate: true, token);
            switch (tenantChoice.Outcome)
            {
                case NewAccountTenantOutcome.BadDomain:
                    await Console.Error.WriteLineAsync("error: " + tenantChoice.Problem);
                    return CliRunner.ExitUsage;
                case NewAccountTenantOutcome.NamedTenantMissing:
                    await Console.Error.WriteLineAsync($"error: no tenant {tenantChoice.Domain}; create it first with: outboundguard tenants add {tenantChoice.Domain}");
                    return CliRunner.ExitUsage;
            }

            var domain = tenantChoice.Domain;
            var created = await new AccountRepository(db.DataSource).AddAsync(mailbox, domain, password, Actor, token);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { created.Id, created.Address, created.Tenant, created.State, hasPassword = password is not null }, JsonOutput));
            }
            else
            {
                Console.WriteLine($"Created {created.Address} in tenant {created.Tenant}{(password is null ? " (no password: connector or certificate only)" : "")}.");
            }

            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static Command List()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's accounts" };
        var state = new Option<string?>("--state") { Description = "Only accounts in this state: active, throttled or suspended" };
        var command = new Command("list", "List accounts") { tenant, state, CommonOptions.Json };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var stateText = parse.GetValue(state);
            AccountState? filter = stateText is null ? null : AccountStates.Parse(stateText);
            var accounts = await new AccountRepository(db.DataSource).ListAsync(parse.GetValue(tenant), filter, 10_000, token);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(accounts.Select(a => new { a.Id, a.Address, a.Tenant, a.State, a.StateReason, a.CreatedAt }), JsonOutput));
                return CliRunner.ExitOk;
            }

            Console.WriteLine($"{"ADDRESS",-40} {"TENANT",-24} {"STATE",-10} REASON");
            foreach (var a in accounts)
            {
                Console.WriteLine($"{a.Address,-40} {a.Tenant,-24} {a.State,-10} {a.StateReason}");
            }

            Console.WriteLine($"{accounts.Count} account(s)");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static Command ChangeState(string name, AccountState to, string description)
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox" };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var command = new Command(name, description) { address, reason };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var accounts = new AccountRepository(db.DataSource);
            if (await FindOrSayAsync(accounts, parse.GetValue(address)!, token) is not { } account)
            {
                return CliRunner.ExitFailure;
            }

            var actions = new AccountActions(accounts, []);
            if (to == AccountState.Suspended)
            {
                var outcome = (await actions.SuspendAsync(account.Id, parse.GetValue(reason)!, Actor, cancellationToken: token))!;
                Console.WriteLine(outcome.Changed
                    ? $"Suspended {account.Address}; {outcome.HeldMessages} queued message(s) moved to quarantine."
                    : $"{account.Address} was already suspended; {outcome.HeldMessages} queued message(s) moved to quarantine.");
            }
            else
            {
                var outcome = (await actions.ReinstateAsync(account.Id, parse.GetValue(reason)!, Actor, token))!;
                Console.WriteLine(outcome.Changed ? $"Reinstated {account.Address} (was {account.State})." : $"{account.Address} is already active; nothing changed.");
            }

            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static Command Throttle()
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox" };
        var duration = new Option<TimeSpan>("--for") { Description = "How long its mail is deferred with 451 4.7.1, e.g. 00:30:00 (default 15 min, the policy's first cool-down; at most 7 days)", DefaultValueFactory = _ => AccountActions.ManualThrottleLength };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var command = new Command("throttle", "Throttle an account: its mail is deferred with 451 4.7.1 until the time is up (the sender's MTA retries)") { address, duration, reason };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var length = parse.GetValue(duration);
            if (length <= TimeSpan.Zero || length > AccountActions.MaxManualThrottleLength)
            {
                await Console.Error.WriteLineAsync($"error: --for must be more than 0 and at most 7 days, e.g. 00:30:00 (it is {length.ToString("c", CultureInfo.InvariantCulture)}).");
                return CliRunner.ExitUsage;
            }

            var accounts = new AccountRepository(db.DataSource);
            if (await FindOrSayAsync(accounts, parse.GetValue(address)!, token) is not { } account)
            {
                return CliRunner.ExitFailure;
            }

            var until = DateTimeOffset.UtcNow + length;
            await new AccountActions(accounts, []).ThrottleAsync(account.Id, until, parse.GetValue(reason)!, Actor, cancellationToken: token);
            Console.WriteLine($"Throttled {account.Address} until {until.ToString("u", CultureInfo.InvariantCulture)}.");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static Command RequireNewPassword()
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox" };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var command = new Command("require-new-password", "Require a new password before the account may authenticate again (set it with the API or the web UI)") { address, reason };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var accounts = new AccountRepository(db.DataSource);
            if (await FindOrSayAsync(accounts, parse.GetValue(address)!, token) is not { } account)
            {
                return CliRunner.ExitFailure;
            }

            await new AccountActions(accounts, []).RequireNewPasswordAsync(account.Id, parse.GetValue(reason)!, Actor, token);
            Console.WriteLine($"{account.Address} now needs a new password before it may authenticate.");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var address = new Argument<string>("address") { Description = "The account's mailbox" };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit log)", Required = true };
        var command = new Command("remove", "Remove an account: its queued mail is held, its history and audit trail stay, and it no longer exists for SMTP") { address, reason };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (string.IsNullOrWhiteSpace(parse.GetValue(reason)))
            {
                await Console.Error.WriteLineAsync("error: --reason must say why (it is kept in the audit log).");
                return CliRunner.ExitUsage;
            }

            var accounts = new AccountRepository(db.DataSource);
            if (await FindOrSayAsync(accounts, parse.GetValue(address)!, token) is not { } account)
            {
                return CliRunner.ExitFailure;
            }

            var removal = await new AccountActions(accounts, []).RemoveAsync(account.Id, parse.GetValue(reason)!, Actor, token);
            if (removal is null)
            {
                await Console.Error.WriteLineAsync($"error: {account.Address} was removed meanwhile.");
                return CliRunner.ExitFailure;
            }

            Console.WriteLine($"Removed {removal.Address}; {removal.HeldMessages} queued message(s) moved to quarantine; its history stays under {removal.Tombstone}.");
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    /// <summary>The account, or null after telling standard error there is none.</summary>
    private static async Task<AccountRecord?> FindOrSayAsync(AccountRepository accounts, string address, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(address, cancellationToken);
        if (account is null)
        {
            await Console.Error.WriteLineAsync($"error: no account {address}.");
        }

        return account;
    }

    /// <summary>Who the audit log names for CLI changes: the operating-system user.</summary>
    public static string Actor => "cli:" + Environment.UserName;
}
