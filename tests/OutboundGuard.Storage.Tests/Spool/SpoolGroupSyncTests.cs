using Dapper;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Spool;

/// <summary>
/// The spool synced as a group (<see cref="SpoolSync.Group"/>, what <c>serve</c> uses on a local file system): files written
/// without an fsync of their own, made durable by the committer's one <c>syncfs</c> before their rows commit. Real
/// PostgreSQL, real files.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SpoolGroupSyncTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "og-groupsync-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    [Fact]
    public void Auto_syncs_as_a_group_on_a_local_linux_file_system_and_file_by_file_elsewhere()
    {
        using var spool = new FileSpool(_spoolDirectory, 0, SpoolSync.Auto);

        Assert.Equal(OperatingSystem.IsLinux() ? SpoolSync.Group : SpoolSync.File, spool.Sync);
        using var byFile = new FileSpool(_spoolDirectory, 0, SpoolSync.File);
        Assert.Equal(SpoolSync.File, byFile.Sync);
    }

    [Fact]
    public async Task Messages_written_by_concurrent_sessions_commit_in_shared_groups_with_their_whole_content()
    {
        using var spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles, SpoolSync.Group);
        await using var committer = new SpoolCommitter(postgres.DataSource, spool);
        var contents = new Dictionary<Guid, byte[]>();

        var stored = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(async () =>
        {
            var id = Guid.CreateVersion7();
            var content = Content(i % 3 == 0 ? 200_000 : 9_000, i);
            await using var writer = spool.Create(id);
            await writer.WriteAsync(content, CancellationToken.None);
            await writer.CommitFileAsync(CancellationToken.None);
            var row = Row(writer.Path, id, writer.SyncEpoch);
            await committer.CommitAsync(row, SpoolCommitterTests.VerdictFor(row));
            return (id, content, writer.Path);
        })));

        Assert.Equal(120L, await CountAsync(stored.Select(s => s.id)));
        foreach (var (_, content, path) in stored)
        {
            Assert.Equal(content, await File.ReadAllBytesAsync(path));
        }

        Assert.True(committer.Batches < 120, $"{committer.Batches} groups for 120 rows: nothing was grouped");
    }

    [Fact]
    public async Task A_row_whose_file_began_before_a_failed_sync_is_refused_with_an_io_error_and_not_stored()
    {
        using var spool = new FileSpool(_spoolDirectory, 0, SpoolSync.Group);
        await using var committer = new SpoolCommitter(postgres.DataSource, spool);
        var id = Guid.CreateVersion7();
        await using var writer = spool.Create(id);
        await writer.WriteAsync(Content(5_000, 1), CancellationToken.None);
        await writer.CommitFileAsync(CancellationToken.None);
        // The epoch a file began in moves on when a sync reports a write-back error; a row of an earlier epoch is refused.
        var row = Row(writer.Path, id, writer.SyncEpoch - 1);
        var fine = Row(writer.Path, Guid.CreateVersion7(), writer.SyncEpoch);

        var refused = committer.CommitAsync(row, SpoolCommitterTests.VerdictFor(row));
        var stored = committer.CommitAsync(fine, SpoolCommitterTests.VerdictFor(fine));

        var error = await Assert.ThrowsAsync<IOException>(() => refused);
        Assert.Contains("write-back error", error.Message, StringComparison.Ordinal);
        await stored;
        Assert.Equal(0L, await CountAsync([row.Id]));
        Assert.Equal(1L, await CountAsync([fine.Id]));
    }

    [Fact]
    public async Task A_writer_of_a_group_synced_spool_still_fsyncs_its_file_when_committed_on_its_own()
    {
        using var spool = new FileSpool(_spoolDirectory, 0, SpoolSync.Group);
        var id = Guid.CreateVersion7();
        var content = Content(3_000, 7);

        await using (var writer = spool.Create(id))
        {
            await writer.WriteAsync(content, CancellationToken.None);
            // CommitAsync is the standalone commit (file and folder fsynced): no committer will sync this file.
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(content, await File.ReadAllBytesAsync(spool.PathOf(id)));
    }

    private static SpooledMessage Row(string path, Guid id, long epoch) => new()
    {
        Id = id,
        SessionId = "s-" + id.ToString("N")[..8],
        ClientIp = "127.0.0.1",
        EnvelopeFrom = "sender@groupsync.example",
        Recipients = ["a@dest.example"],
        SizeOctets = 10,
        SpoolPath = path,
        SpoolSyncEpoch = epoch,
        State = MessageState.Quarantined,
    };

    private static byte[] Content(int length, int seed)
    {
        var content = new byte[length];
        new Random(seed).NextBytes(content);
        return content;
    }

    private async Task<long> CountAsync(IEnumerable<Guid> ids)
    {
        var array = ids.ToArray();
        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE id = ANY(@array)", new { array });
    }
}
