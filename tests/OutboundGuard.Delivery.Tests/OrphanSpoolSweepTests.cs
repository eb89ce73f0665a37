using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OrphanSpoolSweepTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Spool_files_no_row_needs_older_than_an_hour_are_removed_and_every_other_file_is_kept()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queued = await harness.SpoolAsync("a@tenant.test", ["b@example.org"], TestMessages.Simple("a@tenant.test", "b@example.org", "kept"));
        var withRow = Path.Combine(harness.SpoolDirectory, queued.ToString("N") + ".eml");

        // Delivered and marked removed in its attempt's commit, but the deletion after it never happened (a crash).
        var delivered = await harness.SpoolAsync("a@tenant.test", ["b@example.org"], TestMessages.Simple("a@tenant.test", "b@example.org", "left"), state: "delivered");
        var leftBehind = Path.Combine(harness.SpoolDirectory, delivered.ToString("N") + ".eml");
        await using (var connection = await harness.DataSource.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE messages SET spool_removed_at = now() WHERE id = @Id", new { Id = delivered });
        }

        var orphan = Write(harness, Guid.NewGuid().ToString("N") + ".eml");
        var orphanDsn = Write(harness, Guid.NewGuid().ToString("D") + ".dsn.eml");
        var repairCopy = Write(harness, ".repair-" + Guid.NewGuid().ToString("N") + ".tmp");
        var young = Write(harness, Guid.NewGuid().ToString("N") + ".eml");
        var foreign = Write(harness, "notes.txt");
        foreach (var path in new[] { withRow, leftBehind, orphan, orphanDsn, repairCopy, foreign })
        {
            File.SetLastWriteTimeUtc(path, time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2));
        }

        File.SetLastWriteTimeUtc(young, time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(30));
        var sweep = new OrphanSpoolSweep(harness.SpoolDirectory, harness.Repository, time, NullLogger.Instance);

        Assert.Equal(4, await sweep.SweepAsync(CancellationToken.None));

        Assert.True(File.Exists(withRow), "a file with a message row is kept");
        Assert.True(File.Exists(young), "a file younger than an hour may still be committed");
        Assert.True(File.Exists(foreign), "files that are not spool content are left alone");
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(leftBehind), "a file whose row was marked removed is no longer needed");
        Assert.False(File.Exists(orphanDsn));
        Assert.False(File.Exists(repairCopy));

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await sweep.SweepAsync(CancellationToken.None));
        Assert.False(File.Exists(young), "once older than an hour without a row, it is an orphan too");
        Assert.True(File.Exists(withRow));
    }

    private static string Write(DeliveryHarness harness, string name)
    {
        var path = Path.Combine(harness.SpoolDirectory, name);
        File.WriteAllText(path, "Subject: orphan\r\n\r\nbody\r\n");
        return path;
    }
}
