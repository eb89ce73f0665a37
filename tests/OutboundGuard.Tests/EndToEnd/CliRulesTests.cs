using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// The CLI refuses bad tenants, accounts in tenants nobody made, and passwords that break the password rule; it removes
/// tenants and users with the same refusals as the API.
/// </summary>
public sealed class CliRulesTests
{
    private delegate Task<(int ExitCode, string StdOut, string StdErr)> Cli(string? stdin, params string[] arguments);

    [Fact]
    public Task Tenants_accounts_and_users_follow_the_same_rules_as_the_API() => WithDataAsync(async cli =>
    {
        var badDomain = await cli(null, "tenants", "add", "bad domain!");
        Assert.Equal(2, badDomain.ExitCode);
        Assert.Contains("'bad domain!' is not a domain name", badDomain.StdErr, StringComparison.Ordinal);

        var unknownTenant = await cli("a-long-enough-password\n", "accounts", "add", "zoe@acme.example", "--tenant", "globex.example", "--password-stdin");
        Assert.Equal(2, unknownTenant.ExitCode);
        Assert.Contains("no tenant globex.example; create it first with: outboundguard tenants add globex.example", unknownTenant.StdErr, StringComparison.Ordinal);

        var shortPassword = await cli("pw-short\n", "accounts", "add", "zoe@acme.example", "--password-stdin");
        Assert.Equal(2, shortPassword.ExitCode);
        Assert.Contains("at least 12 characters", shortPassword.StdErr, StringComparison.Ordinal);

        var shortUserPassword = await cli("secret\n", "users", "add", "ana", "--role", "admin", "--password-stdin");
        Assert.Equal(2, shortUserPassword.ExitCode);
        Assert.Contains("at least 12 characters", shortUserPassword.StdErr, StringComparison.Ordinal);

        Assert.Equal(0, (await cli(null, "tenants", "add", "globex.example")).ExitCode);
        var added = await cli("a-long-enough-password\n", "accounts", "add", "zoe@acme.example", "--tenant", "globex.example", "--password-stdin");
        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Contains("in tenant globex.example", added.StdOut, StringComparison.Ordinal);
    });

    [Fact]
    public Task Tenants_and_users_are_removed_with_the_same_refusals_as_the_API() => WithDataAsync(async cli =>
    {
        Assert.Equal(0, (await cli(null, "tenants", "add", "globex.example", "--connector-ip", "192.0.2.0/24")).ExitCode);
        Assert.Equal(0, (await cli(null, "accounts", "add", "zoe@globex.example")).ExitCode);

        var withAccount = await cli(null, "tenants", "remove", "globex.example", "--reason", "contract ended");
        Assert.Equal(0, (await cli(null, "accounts", "remove", "zoe@globex.example", "--reason", "contract ended")).ExitCode);
        var removed = await cli(null, "tenants", "remove", "globex.example", "--reason", "contract ended");
        var twice = await cli(null, "tenants", "remove", "globex.example", "--reason", "contract ended");
        var addedAgain = await cli(null, "tenants", "add", "globex.example");
        var list = await cli(null, "tenants", "list");

        Refused(withAccount, "globex.example still has 1 account(s); remove them first");
        Done(removed, "Removed tenant globex.example (1 connector(s)");
        Refused(twice, "no tenant globex.example");
        Assert.Equal(0, addedAgain.ExitCode);
        Assert.Single(list.StdOut.Split('\n'), line => line.StartsWith("globex.example", StringComparison.Ordinal));
        Assert.DoesNotContain("#removed-", list.StdOut, StringComparison.Ordinal);

        Assert.Equal(0, (await cli("admin-password-123\n", "users", "add", "ana", "--role", "admin", "--password-stdin")).ExitCode);
        Assert.Equal(0, (await cli("operator-password-123\n", "users", "add", "bob", "--role", "operator", "--password-stdin")).ExitCode);
        var lastAdmin = await cli(null, "users", "remove", "ana", "--reason", "test");
        var bob = await cli(null, "users", "remove", "bob", "--reason", "left the team");
        var unknown = await cli(null, "users", "remove", "bob", "--reason", "left the team");

        Refused(lastAdmin, "ana is the last admin who can sign in; add another admin first.");
        Done(bob, "User bob removed");
        Refused(unknown, "no user bob");
    });

    /// <summary>The command failed (exit code 1) and its standard error says <paramref name="why"/>.</summary>
    private static void Refused((int ExitCode, string StdOut, string StdErr) result, string why)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(why, result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The command succeeded and its standard output says <paramref name="what"/>.</summary>
    private static void Done((int ExitCode, string StdOut, string StdErr) result, string what)
    {
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains(what, result.StdOut, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="test"/> against a fresh data directory (migrated), deleted afterwards.</summary>
    private static async Task WithDataAsync(Func<Cli, Task> test)
    {
        var data = Path.Combine(Path.GetTempPath(), "og-cli-rules-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Assert.Equal(0, (await RelayProcess.RunAsync(["migrate", "--data", data])).ExitCode);
            await test((stdin, arguments) => RelayProcess.RunAsync([.. arguments, "--data", data], stdin));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
