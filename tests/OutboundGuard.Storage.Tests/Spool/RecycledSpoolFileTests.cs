using OutboundGuard.Storage.Spool;
using Xunit;

namespace OutboundGuard.Storage.Tests.Spool;

/// <summary>Removed spool files emptied and reused by later messages, of the same folder first (<see cref="FileSpool.Remove"/>), on the real file system.</summary>
public sealed class RecycledSpoolFileTests : IDisposable
{
    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "og-recycled-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_removed_file_is_emptied_then_becomes_the_next_message_of_its_folder_with_only_that_messages_content()
    {
        var spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        var first = IdInFolder(0x3c);
        var firstContent = Content(50_000, 1);
        await StoreAsync(spool, first, firstContent);

        spool.Remove(spool.PathOf(first));

        Assert.False(File.Exists(spool.PathOf(first)));
        var free = Assert.Single(Directory.GetFiles(Path.Combine(_spoolDirectory, "3c")));
        Assert.EndsWith(".free", free, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(free).Length);
        Assert.Equal(1, spool.RecycledFiles);

        // Shorter than the first: nothing of the first message may follow it.
        var second = IdInFolder(0x3c);
        var secondContent = Content(700, 2);
        await StoreAsync(spool, second, secondContent);

        Assert.Equal(0, spool.RecycledFiles);
        Assert.False(File.Exists(free));
        Assert.Equal(secondContent, await File.ReadAllBytesAsync(spool.PathOf(second)));
        Assert.Single(Directory.GetFiles(Path.Combine(_spoolDirectory, "3c")));
    }

    [Fact]
    public async Task A_message_whose_folder_has_no_free_file_takes_one_of_another_folder_and_its_path_says_where()
    {
        var spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        await StoreThenRemoveAsync(spool, 0x01, 3);

        var other = IdInFolder(0x02);
        var path = await StoreAsync(spool, other, Content(100, 4));

        Assert.Equal(0, spool.RecycledFiles);
        Assert.Equal(Path.Combine(_spoolDirectory, "01", other.ToString("N") + ".eml"), path);
        Assert.Equal(Content(100, 4), await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(spool.PathOf(other)));
        Assert.Empty(Directory.GetFiles(_spoolDirectory, "*.free", SearchOption.AllDirectories));

        // Removed, it is kept in the folder it is in.
        spool.Remove(path);
        Assert.Single(Directory.GetFiles(Path.Combine(_spoolDirectory, "01"), "*.free"));

        // With no free file anywhere, a new file is created where the id says.
        var third = IdInFolder(0x03);
        var created = await StoreAsync(spool, IdInFolder(0x01), Content(100, 5));
        Assert.Equal(spool.PathOf(third), await StoreAsync(spool, third, Content(100, 6)));
        Assert.StartsWith(Path.Combine(_spoolDirectory, "01"), created, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reused_file_carries_the_time_it_was_taken_so_the_orphan_sweep_never_judges_it_old()
    {
        var spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        await StoreThenRemoveAsync(spool, 0x77, 5);
        var free = Directory.GetFiles(Path.Combine(_spoolDirectory, "77"), "*.free").Single();
        File.SetLastWriteTimeUtc(free, DateTime.UtcNow.AddHours(-3));

        // A writer still buffering (nothing written to the file yet) already has a file of now.
        var second = IdInFolder(0x77);
        await using var writer = spool.Create(second);
        await writer.WriteAsync(Content(10, 6), CancellationToken.None);

        Assert.True(File.GetLastWriteTimeUtc(spool.PathOf(second)) > DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_discarded_or_abandoned_writer_leaves_an_empty_free_file_and_no_message_file()
    {
        var spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        string discarded, abandoned;
        await using (var writer = spool.Create(IdInFolder(0x10)))
        {
            discarded = writer.Path;
            await writer.WriteAsync(Content(200_000, 7), CancellationToken.None);
            await writer.DiscardAsync();
        }

        // Its folder has no free file: it takes the one the discarded writer left in folder 10, and leaves it again.
        await using (var writer = spool.Create(IdInFolder(0x11)))
        {
            abandoned = writer.Path;
            await writer.WriteAsync(Content(200_000, 8), CancellationToken.None);
        }

        Assert.False(File.Exists(discarded));
        Assert.False(File.Exists(abandoned));
        Assert.Equal(1, spool.RecycledFiles);
        Assert.All(Directory.GetFiles(_spoolDirectory, "*.free", SearchOption.AllDirectories), f => Assert.Equal(0, new FileInfo(f).Length));
    }

    [Fact]
    public async Task Each_folder_keeps_its_share_and_unlinks_the_rest()
    {
        // 256 kept in all: one per folder.
        var spool = new FileSpool(_spoolDirectory, 256);
        var ids = new[] { IdInFolder(0xa0), IdInFolder(0xa0), IdInFolder(0xa0) };
        foreach (var id in ids)
        {
            await StoreAsync(spool, id, Content(100, 9));
        }

        foreach (var id in ids)
        {
            spool.Remove(spool.PathOf(id));
        }

        Assert.Equal(1, spool.RecycledFiles);
        Assert.Single(Directory.GetFiles(Path.Combine(_spoolDirectory, "a0")));
    }

    [Fact]
    public async Task Free_files_of_an_earlier_process_are_unlinked_at_start_and_never_reused()
    {
        var before = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        await StoreThenRemoveAsync(before, 0x42, 10);
        var kept = IdInFolder(0x42);
        await StoreAsync(before, kept, Content(100, 11));
        Assert.Single(Directory.GetFiles(Path.Combine(_spoolDirectory, "42"), "*.eml"));
        await File.WriteAllBytesAsync(Path.Combine(_spoolDirectory, "42", Guid.NewGuid().ToString("N") + ".free"), []);

        var after = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);

        Assert.Equal(0, after.RecycledFiles);
        Assert.Empty(Directory.GetFiles(_spoolDirectory, "*.free", SearchOption.AllDirectories));
        Assert.Equal(Content(100, 11), await File.ReadAllBytesAsync(after.PathOf(kept)));
    }

    [Fact]
    public async Task Without_recycling_and_for_files_outside_the_spool_removal_unlinks()
    {
        var plain = new FileSpool(_spoolDirectory);
        await StoreThenRemoveAsync(plain, 0x05, 12);
        Assert.Empty(Directory.GetFiles(_spoolDirectory, "*", SearchOption.AllDirectories));

        var recycling = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles);
        var outside = Path.Combine(Path.GetTempPath(), "og-recycled-outside-" + Guid.NewGuid().ToString("N") + ".eml");
        await File.WriteAllBytesAsync(outside, Content(100, 13));
        recycling.Remove(outside);
        Assert.False(File.Exists(outside));
        Assert.Equal(0, recycling.RecycledFiles);

        // A missing file is fine.
        recycling.Remove(recycling.PathOf(IdInFolder(0x06)));
    }

    /// <summary>Stores 100 octets as a message of folder <paramref name="folder"/>, then removes its content.</summary>
    private static async Task StoreThenRemoveAsync(FileSpool spool, byte folder, int seed)
        => spool.Remove(await StoreAsync(spool, IdInFolder(folder), Content(100, seed)));

    /// <summary>Stores <paramref name="content"/> as message <paramref name="id"/>; returns where its file is.</summary>
    private static async Task<string> StoreAsync(FileSpool spool, Guid id, byte[] content)
    {
        await using var writer = spool.Create(id);
        await writer.WriteAsync(content, CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);
        return writer.Path;
    }

    /// <summary>A random id whose file lands in spool folder <paramref name="folder"/> (its last octet).</summary>
    private static Guid IdInFolder(byte folder)
    {
        var octets = Guid.NewGuid().ToByteArray(bigEndian: true);
        octets[15] = folder;
        var id = new Guid(octets, bigEndian: true);
        Assert.EndsWith(folder.ToString("x2", System.Globalization.CultureInfo.InvariantCulture), id.ToString("N"), StringComparison.Ordinal);
        return id;
    }

    private static byte[] Content(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }
}
