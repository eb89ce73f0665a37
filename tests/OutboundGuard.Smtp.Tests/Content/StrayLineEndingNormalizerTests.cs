using System.Text;
using OutboundGuard.Smtp.Content;

namespace OutboundGuard.Smtp.Tests.Content;

public class StrayLineEndingNormalizerTests
{
    [Theory]
    [InlineData("a\r\nb", "a\r\nb")]
    [InlineData("a\nb", "a\r\nb")]
    [InlineData("a\rb", "a\r\nb")]
    [InlineData("a\r\r\nb", "a\r\n\r\nb")]
    [InlineData("a\n\rb", "a\r\n\r\nb")]
    [InlineData("\r", "\r\n")]
    [InlineData("\n.\n", "\r\n.\r\n")]
    [InlineData("", "")]
    public void Bare_CR_and_bare_LF_become_CRLF(string input, string expected)
        => Assert.Equal(expected, Encoding.ASCII.GetString(StrayLineEndingNormalizer.Normalize(Encoding.ASCII.GetBytes(input))));

    [Fact]
    public void A_CR_at_a_chunk_boundary_pairs_with_the_LF_of_the_next_chunk()
    {
        var normalizer = new StrayLineEndingNormalizer();
        var output = new byte[16];
        var written = normalizer.Append("ab\r"u8, output);
        written += normalizer.Append("\ncd\r"u8, output.AsSpan(written));
        written += normalizer.Flush(output.AsSpan(written));
        Assert.Equal("ab\r\ncd\r\n", Encoding.ASCII.GetString(output, 0, written));
    }
}
