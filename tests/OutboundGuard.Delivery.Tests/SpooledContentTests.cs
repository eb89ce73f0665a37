using System.Text;
using OutboundGuard.Delivery.Content;
using OutboundGuard.Storage.Spool;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

public sealed class SpooledContentTests
{
    [Theory]
    [InlineData("a\r\nb\r\n", true)]
    [InlineData("", true)]
    [InlineData("a\nb\r\n", false)]
    [InlineData("a\rb\r\n", false)]
    [InlineData("a\r\nb\r", false)]
    [InlineData("\n", false)]
    [InlineData("\r\r\n", false)]
    public async Task The_scan_finds_every_bare_CR_and_bare_LF(string content, bool clean)
    {
        var (isClean, _) = await SpooledContent.ScanAsync(new MemoryStream(Encoding.ASCII.GetBytes(content)), CancellationToken.None);
        Assert.Equal(clean, isClean);
    }

    [Fact]
    public async Task A_CRLF_split_across_two_reads_is_clean_and_a_CR_alone_at_a_read_boundary_is_not()
    {
        var split = new byte[64 * 1024 + 1];
        split.AsSpan().Fill((byte)'x');
        split[64 * 1024 - 1] = (byte)'\r';
        split[64 * 1024] = (byte)'\n';
        Assert.True((await SpooledContent.ScanAsync(new MemoryStream(split), CancellationToken.None)).Clean);

        split[64 * 1024] = (byte)'y';
        Assert.False((await SpooledContent.ScanAsync(new MemoryStream(split), CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task Content_with_bare_line_endings_is_repaired_into_a_copy_that_is_removed_when_closed()
    {
        var directory = Directory.CreateTempSubdirectory("og-spooled-").FullName;
        var path = Path.Combine(directory, "m.eml");
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("Subject: é\n\nline\rend"));

        await using (var content = await SpooledContent.OpenAsync(FileSpool.OpenRead(path), CancellationToken.None))
        {
            Assert.Equal(3, content.Repairs);
            Assert.True(content.EightBit);
            Assert.True(content.Stream.CanSeek);
            using var reader = new StreamReader(content.Stream, Encoding.UTF8, leaveOpen: true);
            Assert.Equal("Subject: é\r\n\r\nline\r\nend", await reader.ReadToEndAsync());
            Assert.Equal(2, Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Length);
        }

        Assert.Equal([path], Directory.GetFiles(directory));
        Directory.Delete(directory, recursive: true);
    }
}
