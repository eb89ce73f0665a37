using System.CommandLine;
using Npgsql;
using OutboundGuard.Storage.Migrations;

namespace OutboundGuard.Cli;

/// <summary><c>outboundguard migrate</c>: applies the schema migrations (serve does it at start-up too).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply database migrations (idempotent)");
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            // Opening the database applied anything pending; report the state.
            await using var read = db.DataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
            var applied = (long)(await read.ExecuteScalarAsync(token))!;
            Console.WriteLine($"Schema up to date: {applied} of {Migrator.Scripts.Count} migration(s) applied ({Migrator.Scripts[^1].Version}).");
            return CliRunner.ExitOk;
        }, ct, createCluster: true));
        return command;
    }
}
