using System.CommandLine;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard users add NAME --role admin --password-stdin</c>: people who sign in to the web UI.</summary>
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
        return command;
    }
}
