using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Storage.Migrations;
using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Hosting;

/// <summary>
/// The relay's PostgreSQL: an external one from the connection string, or the private cluster in the data
/// folder. Opening it applies the migrations. Disposing stops the private cluster if this process started it.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly PrivatePostgres? _privateCluster;

    private Database(NpgsqlDataSource dataSource, PrivatePostgres? privateCluster, string description)
    {
        DataSource = dataSource;
        _privateCluster = privateCluster;
        Description = description;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the database is, for the start-up log (never contains the password).</summary>
    public string Description { get; }

    public string ConnectionString => DataSource.ConnectionString;

    /// <summary>Opens (and for the private cluster, starts) the database and applies the migrations.</summary>
    /// <exception cref="StorageStartupException">With one clear sentence on what is wrong and what to check.</exception>
    public static async Task<Database> OpenAsync(StorageOptions options, ILogger logger, bool migrate, CancellationToken cancellationToken)
    {
        PrivatePostgres? cluster = null;
        string connectionString;
        string description;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                cluster = await PrivatePostgres.StartAsync(Path.Combine(options.DataDirectory, "postgres"), deleteOnStop: false, logger, cancellationToken);
            }
            catch (PostgresNotInstalledException e)
            {
                throw new StorageStartupException(e.Message, e);
            }
            catch (InvalidOperationException e)
            {
                throw new StorageStartupException($"The private PostgreSQL in {Path.GetFullPath(Path.Combine(options.DataDirectory, "postgres"))} could not start: {e.Message}", e);
            }

            connectionString = cluster.ConnectionString;
            description = $"private PostgreSQL on 127.0.0.1:{cluster.Port} in {cluster.ClusterDirectory}";
        }
        else
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new StorageStartupException($"The PostgreSQL connection string is not valid ({e.Message}). Check --connection-string or {StorageOptions.Section}:ConnectionString.", e);
            }

            builder.Timeout = builder.Timeout == 15 ? 5 : builder.Timeout;
            connectionString = builder.ConnectionString;
            description = $"PostgreSQL at {builder.Host}:{builder.Port}, database {builder.Database}";
        }

        var dataSource = NpgsqlDataSource.Create(WithStatementReuse(connectionString));
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
            }

            if (migrate)
            {
                await Migrator.ApplyAsync(dataSource, logger, cancellationToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            var reason = e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : e.GetBaseException().Message;
            throw new StorageStartupException($"Cannot connect to {description}: {reason}. Check --connection-string or {StorageOptions.Section}:ConnectionString.", e);
        }

        return new Database(dataSource, cluster, description);
    }

    /// <summary>
    /// Pooled connections keep their prepared statements: a connection goes back to the pool without
    /// <c>DISCARD ALL</c> (the relay keeps no session state on pooled connections: settings are
    /// <c>SET LOCAL</c>, listeners hold their own connection), and the statements run on every message are
    /// prepared once per connection instead of parsed and planned each time. A connection string that sets
    /// <c>No Reset On Close</c> or <c>Max Auto Prepare</c> itself (e.g. <c>Max Auto Prepare=0</c> behind a
    /// pooler in transaction mode that cannot keep prepared statements) keeps its own values.
    /// </summary>
    public static string WithStatementReuse(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!keys.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            if (!keys.Contains("AutoPrepareMinUsages"))
            {
                builder.AutoPrepareMinUsages = 2;
            }
        }

        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_privateCluster is not null)
        {
            await _privateCluster.DisposeAsync();
        }
    }
}
