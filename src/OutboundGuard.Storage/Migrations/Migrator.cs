using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OutboundGuard.Storage.Migrations;

/// <summary>
/// Applies the embedded plain-SQL migrations (Migrations/NNNN_name.sql) in order, each in its own
/// transaction, recorded in <c>schema_migrations</c> with a checksum, under an advisory lock so that
/// several relay nodes starting together apply each script once. An applied script is never edited:
/// a changed checksum stops the start-up with an error naming the script.
/// </summary>
public static class Migrator
{
    private const long AdvisoryLockKey = 0x4F42_4755_4152_4401; // "OBGUARD" + 1

    /// <summary>The embedded migrations, ordered by version.</summary>
    public static IReadOnlyList<(string Version, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>Applies every migration not yet applied. Returns how many were applied now (0 when up to date).</summary>
    /// <exception cref="InvalidOperationException">An applied script was changed afterwards.</exception>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetString(0)] = reader.GetString(1);
                }
            }

            var count = 0;
            foreach (var (version, sql) in Scripts)
            {
                var checksum = Checksum(sql);
                if (applied.TryGetValue(version, out var existing))
                {
                    if (existing != checksum)
                    {
                        throw new InvalidOperationException($"Migration {version} was changed after it was applied (checksum {existing} in the database, {checksum} now). Applied migrations must never be edited; add a new one.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_migrations (version, checksum) VALUES (@version, @checksum)", cancellationToken,
                    ("version", version), ("checksum", checksum)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(logger, version);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Checksum(string sql) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))))[..16].ToLowerInvariant();

    private static List<(string Version, string Sql)> LoadScripts()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "OutboundGuard.Storage.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: n[prefix.Length..^4], Sql: Read(assembly, n)))
            .OrderBy(s => s.Version, StringComparer.Ordinal)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
