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

    /// <param name="parse">The parsed command line.</param>
    /// <param name="verb">The verb's work.</param>
    /// <param name="cancellationToken">Ctrl-C.</param>
    /// <param name="createCluster">
    /// True only for <c>migrate</c>: it may create a private cluster in a data folder that has none. Every other verb
    /// refuses a folder without one (a mistyped <c>--data</c> would otherwise quietly get a new, empty cluster).
    /// </param>
    public static async Task<int> RunAsync(ParseResult parse, Func<Database, IConfiguration, CancellationToken, Task<int>> verb, CancellationToken cancellationToken, bool createCluster = false)
    {
        try
        {
            var configuration = HostConfiguration.Build(parse);
            var storage = HostConfiguration.Storage(configuration);
            if (!createCluster && string.IsNullOrWhiteSpace(storage.ConnectionString) && !HasCluster(storage.DataDirectory))
            {
                await Console.Error.WriteLineAsync($"error: no OutboundGuard data in {storage.DataDirectory} (run `outboundguard serve --data {storage.DataDirectory}` or `migrate` first)");
                return ExitUsage;
            }

            await using var database = await Database.OpenAsync(storage, NullLogger.Instance, migrate: true, cancellationToken);
            return await verb(database, configuration, cancellationToken);
        }
        catch (Exception e) when (e is StorageStartupException or ArgumentException or FormatException or FileNotFoundException or Storage.Accounts.DuplicateAccountException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return e is ArgumentException or FormatException ? ExitUsage : ExitFailure;
        }
    }

    public static ILogger QuietLogger => NullLogger.Instance;

    private static bool HasCluster(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, "postgres", "pgdata", "PG_VERSION"));
}
