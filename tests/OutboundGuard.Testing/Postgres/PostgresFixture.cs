using Npgsql;
using OutboundGuard.Storage.Migrations;
using OutboundGuard.Storage.Postgres;
using Xunit;

namespace OutboundGuard.Testing.Postgres;

/// <summary>
/// A real private PostgreSQL cluster for a test class or collection: started in a temp folder on a free
/// loopback port, migrated with the real migrations, removed afterwards.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PrivatePostgres? _cluster;

    public PrivatePostgres Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString => Cluster.ConnectionString;

    public async Task InitializeAsync()
    {
        _cluster = await PrivatePostgres.StartTemporaryAsync();
        DataSource = NpgsqlDataSource.Create(_cluster.ConnectionString);
        await Migrator.ApplyAsync(DataSource);
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Creates a fresh database from the real migrations, for tests that need one of their own.</summary>
    public async Task<NpgsqlDataSource> CreateDatabaseAsync(string name)
    {
        await using (var command = DataSource.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await Migrator.ApplyAsync(dataSource);
        return dataSource;
    }
}
