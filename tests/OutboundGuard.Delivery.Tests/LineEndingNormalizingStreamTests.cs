using System.Text;
using OutboundGuard.Delivery.Content;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

public sealed class LineEndingNormalizingStreamTests
{
    public static TheoryData<string, string, int> Cases => new()
    {
        { "a\r\nb\r\n", "a\r\nb\r\n", 0 },
        { "a\nb\n", "a\r\nb\r\n", 2 },
        { "a\rb\r", "a\r\nb\r\n", 2 },
        { "a\r\r\nb", "a\r\n\r\nb", 1 },
        { "a\n\rb", "a\r\n\r\nb", 2 },
        { "\n.\r\n", "\r\n.\r\n", 1 },
        { "", "", 0 },
        { "\r", "\r\n", 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bare_CR_and_LF_become_CRLF_whole_and_byte_by_byte(string input, string expected, int repairs)
    {
        Assert.Equal((expected, repairs), await NormalizeAsync(Encoding.ASCII.GetBytes(input), readSize: 4096));
        Assert.Equal((expected, repairs), await NormalizeAsync(Encoding.ASCII.GetBytes(input), readSize: 1));
    }

    [Fact]
    public async Task A_CR_at_the_end_of_one_inner_read_and_LF_at_the_start_of_the_next_stay_one_CRLF()
    {
        var input = new byte[16 * 1024 + 1];
        input.AsSpan().Fill((byte)'x');
        input[16 * 1024 - 1] = (byte)'\r';
        input[16 * 1024] = (byte)'\n';

        var (output, repairs) = await NormalizeAsync(input, readSize: 7000);

        Assert.Equal(0, repairs);
        Assert.Equal(Encoding.ASCII.GetString(input), output);
    }

    [Fact]
    public async Task Large_content_with_mixed_endings_comes_out_with_CRLF_only()
    {
        var random = new Random(7);
        var input = new byte[300_000];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = random.Next(10) switch { 0 => (byte)'\r', 1 => (byte)'\n', _ => (byte)'a' };
        }

        var (output, _) = await NormalizeAsync(input, readSize: 8191);

        var bytes = Encoding.ASCII.GetBytes(output);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r')
            {
                Assert.Equal((byte)'\n', bytes[i + 1]);
            }

            if (bytes[i] == '\n')
            {
                Assert.Equal((byte)'\r', bytes[i - 1]);
            }
        }

        Assert.Equal(input.Count(b => b == 'a'), bytes.Count(b => b == 'a'));
    }

    private static async Task<(string Output, long Repairs)> NormalizeAsync(byte[] input, int readSize)
    {
        await using var stream = new LineEndingNormalizingStream(new MemoryStream(input));
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return (Encoding.ASCII.GetString(output.ToArray()), stream.Repairs);
    }
}
