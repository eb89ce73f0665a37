using Npgsql;
using OutboundGuard.Storage.Migrations;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrations_apply_twice_without_change()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync("migrate_twice_" + Guid.NewGuid().ToString("N")[..8]);
        var tablesBefore = await TableNamesAsync(dataSource);

        var appliedAgain = await Migrator.ApplyAsync(dataSource);

        Assert.Equal(0, appliedAgain);
        Assert.Equal(tablesBefore, await TableNamesAsync(dataSource));
        Assert.Contains("accounts", tablesBefore);
        Assert.Contains("schema_migrations", tablesBefore);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)Migrator.Scripts.Count, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_edited_migration_stops_with_an_error_naming_it()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync("migrate_edit_" + Guid.NewGuid().ToString("N")[..8]);
        await using (var tamper = dataSource.CreateCommand("UPDATE schema_migrations SET checksum = 'bogus' WHERE version = '0001_initial'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator.ApplyAsync(dataSource));

        Assert.Contains("0001_initial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_log_is_append_only()
    {
        await using (var insert = postgres.DataSource.CreateCommand("INSERT INTO audit_log (actor, action, target) VALUES ('test', 'noop', 'nothing')"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await using var update = postgres.DataSource.CreateCommand("UPDATE audit_log SET actor = 'someone else'");
        var error = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
    }

    private static async Task<List<string>> TableNamesAsync(NpgsqlDataSource dataSource)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
