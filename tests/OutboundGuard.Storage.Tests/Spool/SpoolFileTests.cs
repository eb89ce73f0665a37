using OutboundGuard.Storage.Spool;
using Xunit;

namespace OutboundGuard.Storage.Tests.Spool;

/// <summary>The spool file written by <see cref="SpoolWriter"/> and read back by <see cref="SpoolReadStream"/>, on the real file system.</summary>
public sealed class SpoolFileTests : IDisposable
{
    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "og-spoolfile-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10 * 1024)]
    [InlineData(SpoolWriter.BufferOctets)]
    [InlineData(SpoolWriter.BufferOctets + 1)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Content_written_in_uneven_chunks_reads_back_byte_for_byte_synchronously_and_asynchronously(int size)
    {
        var spool = new FileSpool(_spoolDirectory);
        var id = Guid.NewGuid();
        var content = new byte[size];
        new Random(size).NextBytes(content);

        await using (var writer = spool.Create(id))
        {
            var random = new Random(size + 1);
            for (var at = 0; at < size;)
            {
                var chunk = Math.Min(size - at, random.Next(1, 40_000));
                await writer.WriteAsync(content.AsMemory(at, chunk), CancellationToken.None);
                at += chunk;
            }

            Assert.Equal(size, writer.Length);
            await writer.CommitFileAsync(CancellationToken.None);
        }

        Assert.Equal(content, await File.ReadAllBytesAsync(spool.PathOf(id)));

        await using var stream = FileSpool.OpenRead(spool.PathOf(id));
        Assert.Equal(size, stream.Length);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 7_000);
        Assert.Equal(content, copy.ToArray());

        // Back to a point inside the file: the read-ahead buffer serves what it holds, the file the rest.
        stream.Position = size / 3;
        var rest = new byte[size - (size / 3)];
        stream.ReadExactly(rest);
        Assert.Equal(content.AsSpan(size / 3).ToArray(), rest);
        Assert.Equal(0, await stream.ReadAsync(new byte[16]));
    }

    [Fact]
    public async Task A_writer_disposed_before_its_commit_leaves_no_file()
    {
        var spool = new FileSpool(_spoolDirectory);
        var id = Guid.NewGuid();
        await using (var writer = spool.Create(id))
        {
            await writer.WriteAsync(new byte[100_000], CancellationToken.None);
        }

        Assert.False(File.Exists(spool.PathOf(id)));
    }

    [Fact]
    public void A_missing_spool_file_is_reported_as_not_found()
    {
        var spool = new FileSpool(_spoolDirectory);
        Assert.Throws<FileNotFoundException>(() => FileSpool.OpenRead(spool.PathOf(Guid.NewGuid())));
    }
}
