using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>The CLI refuses bad tenants, accounts in tenants nobody made, and passwords that break the password rule.</summary>
public sealed class CliRulesTests
{
    [Fact]
    public async Task Tenants_accounts_and_users_follow_the_same_rules_as_the_API()
    {
        var data = Path.Combine(Path.GetTempPath(), "og-cli-rules-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Assert.Equal(0, (await RelayProcess.RunAsync(["migrate", "--data", data])).ExitCode);
            Task<(int ExitCode, string StdOut, string StdErr)> Cli(string? stdin, params string[] arguments) => RelayProcess.RunAsync([.. arguments, "--data", data], stdin);

            var badDomain = await Cli(null, "tenants", "add", "bad domain!");
            Assert.Equal(2, badDomain.ExitCode);
            Assert.Contains("'bad domain!' is not a domain name", badDomain.StdErr, StringComparison.Ordinal);

            var unknownTenant = await Cli("a-long-enough-password\n", "accounts", "add", "zoe@acme.example", "--tenant", "globex.example", "--password-stdin");
            Assert.Equal(2, unknownTenant.ExitCode);
            Assert.Contains("no tenant globex.example; create it first with: outboundguard tenants add globex.example", unknownTenant.StdErr, StringComparison.Ordinal);

            var shortPassword = await Cli("pw-short\n", "accounts", "add", "zoe@acme.example", "--password-stdin");
            Assert.Equal(2, shortPassword.ExitCode);
            Assert.Contains("at least 12 characters", shortPassword.StdErr, StringComparison.Ordinal);

            var shortUserPassword = await Cli("secret\n", "users", "add", "ana", "--role", "admin", "--password-stdin");
            Assert.Equal(2, shortUserPassword.ExitCode);
            Assert.Contains("at least 12 characters", shortUserPassword.StdErr, StringComparison.Ordinal);

            Assert.Equal(0, (await Cli(null, "tenants", "add", "globex.example")).ExitCode);
            var added = await Cli("a-long-enough-password\n", "accounts", "add", "zoe@acme.example", "--tenant", "globex.example", "--password-stdin");
            Assert.True(added.ExitCode == 0, added.StdErr);
            Assert.Contains("in tenant globex.example", added.StdOut, StringComparison.Ordinal);
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
