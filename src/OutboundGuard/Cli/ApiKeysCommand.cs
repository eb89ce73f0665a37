using System.CommandLine;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard apikeys create NAME --role operator [--expires 30d|2027-01-31]</c>, <c>apikeys list</c>, <c>apikeys revoke NAME</c>.</summary>
internal static class ApiKeysCommand
{
    public static Command Create()
    {
        var command = new Command("apikeys", "Manage API keys for the HTTP API");
        var name = new Argument<string>("name") { Description = "A name for the key (who or what uses it)" };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        var expires = new Option<string?>("--expires") { Description = "When the key stops working: a span (30d, 12h, 90m) or a date (2027-01-31, 2027-01-31T18:00:00Z); default never" };
        var create = new Command("create", "Create a key; it is printed once and only its hash is stored") { name, role, expires };
        create.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            DateTimeOffset? expiresAt = null;
            if (parse.GetValue(expires) is { } text)
            {
                if (!ApiKeyExpiry.TryParse(text, DateTimeOffset.UtcNow, out var at, out var problem))
                {
                    await Console.Error.WriteLineAsync("error: --expires " + problem);
                    return CliRunner.ExitUsage;
                }

                expiresAt = at;
            }

            try
            {
                var (record, key) = await new ApiKeyRepository(db.DataSource).CreateAsync(parse.GetValue(name)!, parse.GetValue(role)!, expiresAt, "cli:" + Environment.UserName, token);
                Console.WriteLine(key);
                var until = record.ExpiresAt is { } e ? $", expires {e.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";
                await Console.Error.WriteLineAsync($"API key {record.Name} ({record.Role}{until}) created; it is shown only now. Send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
                return CliRunner.ExitOk;
            }
            catch (DuplicateNameException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return CliRunner.ExitFailure;
            }
        }, ct));
        var list = new Command("list", "List keys (names, roles, prefixes; never the keys)");
        list.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var k in await new ApiKeyRepository(db.DataSource).ListAsync(token))
            {
                var expiry = k.ExpiresAt is { } e ? "expires " + e.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "never expires";
                Console.WriteLine($"{k.Name,-24} {k.Role,-8} {k.KeyPrefix}… {k.StatusAt(now),-7} {expiry}");
            }

            return CliRunner.ExitOk;
        }, ct));
        var revokeName = new Argument<string>("name") { Description = "The key's name" };
        var revoke = new Command("revoke", "Revoke a key") { revokeName };
        revoke.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            if (await new ApiKeyRepository(db.DataSource).RevokeAsync(parse.GetValue(revokeName)!, "cli:" + Environment.UserName, token))
            {
                Console.WriteLine("Revoked");
                return CliRunner.ExitOk;
            }

            await Console.Error.WriteLineAsync("error: no live key with that name");
            return CliRunner.ExitFailure;
        }, ct));
        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }
}
