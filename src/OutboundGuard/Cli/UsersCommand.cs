using System.CommandLine;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard users add NAME --role admin --password-stdin</c>: people who sign in to the web UI;
/// <c>users unblock NAME [--address IP] --reason TEXT</c> clears failed sign-ins so the next try is checked at once;
/// <c>users remove NAME --reason TEXT</c> removes a user.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Manage the people who sign in to the web UI");
        var name = new Argument<string>("name") { Description = "The sign-in name" };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (required: passwords never go on the command line)" };
        var add = new Command("add", "Add a user with an Argon2id-hashed password") { name, role, passwordStdin };
        add.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (!parse.GetValue(passwordStdin))
            {
                await Console.Error.WriteLineAsync("error: give the password on standard input with --password-stdin");
                return CliRunner.ExitUsage;
            }

            var password = (await Console.In.ReadLineAsync(token))?.TrimEnd('\r') ?? "";
            if (PasswordRule.Problem(password) is { } weak)
            {
                await Console.Error.WriteLineAsync("error: " + weak);
                return CliRunner.ExitUsage;
            }

            try
            {
                var user = await new AdminUserRepository(db.DataSource).AddAsync(parse.GetValue(name)!, password, parse.GetValue(role)!, "cli:" + Environment.UserName, token);
                Console.WriteLine($"User {user.Name} added ({user.Role})");
                return CliRunner.ExitOk;
            }
            catch (DuplicateNameException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return CliRunner.ExitFailure;
            }
        }, ct));
        command.Subcommands.Add(add);
        command.Subcommands.Add(Unblock());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The sign-in name" };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log", Required = true };
        var remove = new Command("remove", "Remove a user: they can no longer sign in and their open sessions end (audited; never the last admin)") { name, reason };
        remove.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var why = parse.GetValue(reason)!.Trim();
            if (why.Length == 0)
            {
                await Console.Error.WriteLineAsync("error: --reason must say why, for the audit log");
                return CliRunner.ExitUsage;
            }

            var user = parse.GetValue(name)!;
            var outcome = await new AdminUserRepository(db.DataSource).RemoveAsync(user, null, why, "cli:" + Environment.UserName, token);
            if (outcome == UserRemovalOutcome.Removed)
            {
                Console.WriteLine($"User {user.Trim()} removed; their sessions end at their next request.");
                return CliRunner.ExitOk;
            }

            await Console.Error.WriteLineAsync(outcome == UserRemovalOutcome.LastAdmin
                ? $"error: {user} is the last admin who can sign in; add another admin first."
                : $"error: no user {user}.");
            return CliRunner.ExitFailure;
        }, ct));
        return remove;
    }

    private static Command Unblock()
    {
        var name = new Argument<string>("name") { Description = "The sign-in name" };
        var address = new Option<string?>("--address") { Description = "Only the failures from this client address (default: from every address)" };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit log", Required = true };
        var unblock = new Command("unblock", "Clear a name's failed web UI sign-ins, ending its wait (audited)") { name, address, reason };
        unblock.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            string? from = null;
            if (parse.GetValue(address) is { } text)
            {
                if (!System.Net.IPAddress.TryParse(text.Trim(), out var ip))
                {
                    await Console.Error.WriteLineAsync($"error: '{text}' is not an IP address");
                    return CliRunner.ExitUsage;
                }

                from = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString();
            }

            var why = parse.GetValue(reason)!.Trim();
            if (why.Length == 0)
            {
                await Console.Error.WriteLineAsync("error: --reason must say why, for the audit log");
                return CliRunner.ExitUsage;
            }

            var cleared = await new SignInFailureRepository(db.DataSource).ClearAsync(parse.GetValue(name)!, from, "cli:" + Environment.UserName, why, token);
            if (cleared.Count == 0)
            {
                await Console.Error.WriteLineAsync("error: no failed sign-ins for that name" + (from is null ? "" : " from " + from));
                return CliRunner.ExitFailure;
            }

            Console.WriteLine($"Cleared failed sign-ins from {string.Join(", ", cleared)}");
            return CliRunner.ExitOk;
        }, ct));
        return unblock;
    }
}
