using System.Text;
using OutboundGuard.Delivery.Routes.Smarthost;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

/// <summary>The mail data the smarthost client writes after 354: dot-stuffed, terminated, byte for byte otherwise.</summary>
public sealed class DotStuffedContentTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
        { ".a\r\n", "..a\r\n.\r\n" },
        { "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n" },
        { "a\r\n..b\r\n", "a\r\n...b\r\n.\r\n" },
        { "a.b\r\n x.\r\n", "a.b\r\n x.\r\n.\r\n" },
        { "no final line ending", "no final line ending\r\n.\r\n" },
        { "ends with a dot line\r\n.", "ends with a dot line\r\n..\r\n.\r\n" },
        { "", ".\r\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Line_initial_dots_are_doubled_and_the_data_is_terminated(string content, string expected)
    {
        Assert.Equal(expected, await WriteAsync(Encoding.ASCII.GetBytes(content)));
    }

    [Theory]
    [InlineData(64 * 1024 - 2)]
    [InlineData(64 * 1024 - 1)]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    public async Task Dot_lines_on_either_side_of_a_64_KiB_chunk_boundary_are_stuffed_exactly_once(int lineBreakAt)
    {
        // Filler lines, then a CRLF ending exactly around the boundary of the first 64 KiB chunk, followed by a dot line.
        var builder = new StringBuilder();
        while (builder.Length < lineBreakAt - 80)
        {
            builder.Append('x', 70).Append("\r\n");
        }

        builder.Append('y', lineBreakAt - builder.Length - 2).Append("\r\n");
        builder.Append(".after the boundary\r\n..two\r\n.\r\nend\r\n");
        var content = builder.ToString();

        var written = await WriteAsync(Encoding.ASCII.GetBytes(content));

        Assert.EndsWith("\r\n.\r\n", written, StringComparison.Ordinal);
        Assert.Equal(content, Unstuff(written));
        Assert.Contains("\r\n..after the boundary\r\n...two\r\n..\r\nend\r\n.\r\n", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_of_several_chunks_of_dot_lines_arrives_whole()
    {
        var content = string.Concat(Enumerable.Repeat(".\r\n", 100_000));

        var written = await WriteAsync(Encoding.ASCII.GetBytes(content));

        Assert.Equal(content.Length + 100_000 + 3, written.Length);
        Assert.Equal(content, Unstuff(written));
    }

    private static async Task<string> WriteAsync(byte[] content)
    {
        using var source = new MemoryStream(content);
        using var destination = new MemoryStream();
        var writes = 0;
        await DotStuffedContent.WriteAsync(source, destination, () => writes++, CancellationToken.None);
        Assert.InRange(writes, 1, (content.Length / (64 * 1024)) + 1);
        return Encoding.ASCII.GetString(destination.ToArray());
    }

    /// <summary>What a server makes of the data (RFC 5321 §4.5.2): the terminator removed, one leading dot of each line removed.</summary>
    private static string Unstuff(string data)
    {
        var body = data[..^3];
        var lines = body.Split("\r\n");
        return string.Join("\r\n", lines.Select(l => l.StartsWith('.') ? l[1..] : l));
    }
}
