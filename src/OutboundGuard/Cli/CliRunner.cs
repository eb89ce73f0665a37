using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OutboundGuard.Hosting;

namespace OutboundGuard.Cli;

/// <summary>
/// Runs a management verb against the database: opens it (starting the private cluster when nothing else
/// runs it), runs the verb, closes it, and turns known failures into one clear line on stderr and an exit code.
/// </summary>
internal static class CliRunner
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(ParseResult parse, Func<Database, IConfiguration, CancellationToken, Task<int>> verb, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = HostConfiguration.Build(parse);
            await using var database = await Database.OpenAsync(HostConfiguration.Storage(configuration), NullLogger.Instance, migrate: true, cancellationToken);
            return await verb(database, configuration, cancellationToken);
        }
        catch (Exception e) when (e is StorageStartupException or ArgumentException or FormatException or FileNotFoundException or Storage.Accounts.DuplicateAccountException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return e is ArgumentException or FormatException ? ExitUsage : ExitFailure;
        }
    }

    public static ILogger QuietLogger => NullLogger.Instance;
}
