using System.Buffers;
using System.Text;
using OutboundGuard.Smtp.Content;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Content;

public class DataContentDecoderTests
{
    /// <summary>Decodes a sequence segment by segment, as the session does; returns the content, the end offset (or -1) and the violations.</summary>
    private static (string Content, long End, ContentViolations Violations) Decode(ReadOnlySequence<byte> input, int maxLine = 1000)
    {
        var decoder = new DataContentDecoder(maxLine);
        var output = new List<byte>();
        long offset = 0;
        foreach (var segment in input)
        {
            var buffer = new byte[segment.Length + 1];
            var ended = decoder.Decode(segment.Span, buffer, out var consumed, out var written);
            output.AddRange(buffer[..written]);
            offset += consumed;
            if (ended)
            {
                return (Encoding.Latin1.GetString(output.ToArray()), offset, decoder.Violations);
            }
        }

        return (Encoding.Latin1.GetString(output.ToArray()), -1, decoder.Violations);
    }

    public static TheoryData<string> SmugglingSequences => new()
    {
        "\n.\n",
        "\n.\r",
        "\r.\n",
        "\r.\r",
        "\n.\r\n",
        "\r.\r\n",
        "\r\n\x00.\r\n",
        "\r\n.\r\r\n",
        "\r\r\n.\r\r\n",
        "\r\n.\n",
        "\r\n.\r",
        "\r\n.\x00\r\n",
    };

    [Theory]
    [MemberData(nameof(SmugglingSequences))]
    public void Smuggling_sequences_do_not_end_data_however_split(string sequence)
    {
        var bytes = Encoding.Latin1.GetBytes("Subject: x\r\n\r\nbody" + sequence + "MAIL FROM:<evil@x.example>\r\n");
        foreach (var (split, input) in Segments.AllSplits(bytes))
        {
            var (_, end, violations) = Decode(input);
            Assert.True(end == -1, split);
            Assert.NotEqual(ContentViolations.None, violations);
        }
    }

    [Fact]
    public void Only_CRLF_dot_CRLF_ends_data_and_the_rest_is_not_consumed()
    {
        var bytes = Encoding.ASCII.GetBytes("Subject: x\r\n\r\nline\r\n.\r\nQUIT\r\n");
        foreach (var (split, input) in Segments.AllSplits(bytes))
        {
            var (content, end, violations) = Decode(input);
            Assert.Equal("Subject: x\r\n\r\nline\r\n", content);
            Assert.True(bytes.Length - 6 == end, split);
            Assert.Equal(ContentViolations.None, violations);
        }
    }

    [Fact]
    public void Leading_dots_are_unstuffed()
    {
        var bytes = Encoding.ASCII.GetBytes("..one\r\n...\r\n.x\r\nmid.dle\r\n.\r\n");
        foreach (var (_, input) in Segments.AllSplits(bytes))
        {
            Assert.Equal(".one\r\n..\r\nx\r\nmid.dle\r\n", Decode(input).Content);
        }
    }

    [Fact]
    public void An_immediate_dot_line_is_an_empty_message()
    {
        var (content, end, _) = Decode(Segments.Whole(".\r\n"u8.ToArray()));
        Assert.Equal(string.Empty, content);
        Assert.Equal(3, end);
    }

    [Fact]
    public void NUL_is_recorded_as_a_violation()
        => Assert.Equal(ContentViolations.Nul, Decode(Segments.OneBytePerSegment("a\0b\r\n.\r\n"u8.ToArray())).Violations);

    [Fact]
    public void A_text_line_over_the_limit_is_recorded()
    {
        var ok = Encoding.ASCII.GetBytes(new string('a', 998) + "\r\n.\r\n");
        var tooLong = Encoding.ASCII.GetBytes(new string('a', 999) + "\r\n.\r\n");
        Assert.Equal(ContentViolations.None, Decode(Segments.RandomSplit(ok, new Random(1))).Violations);
        Assert.Equal(ContentViolations.LineTooLong, Decode(Segments.RandomSplit(tooLong, new Random(1))).Violations);
    }

    [Fact]
    public void A_text_line_is_measured_across_segments_however_split()
    {
        var ok = Encoding.ASCII.GetBytes("short\r\n" + new string('a', 998) + "\r\n.\r\n");
        var tooLong = Encoding.ASCII.GetBytes("short\r\n" + new string('a', 999) + "\r\n.\r\n");
        foreach (var (split, input) in Segments.AllSplits(ok))
        {
            Assert.True(Decode(input).Violations == ContentViolations.None, split);
        }

        foreach (var (split, input) in Segments.AllSplits(tooLong))
        {
            Assert.True(Decode(input).Violations == ContentViolations.LineTooLong, split);
        }
    }

    [Fact]
    public void Content_and_violations_are_the_same_however_split()
    {
        var text = "Subject: mixed\r\n\r\n" + new string('x', 300) + "\r\n..stuffed " + new string('y', 200)
            + "\r\nbare\nlf and a\0nul\r\n.dot\r\n" + new string('z', 1200) + "\r\nlast\r\n.\r\nRSET\r\n";
        var bytes = Encoding.Latin1.GetBytes(text);
        var expected = "Subject: mixed\r\n\r\n" + new string('x', 300) + "\r\n.stuffed " + new string('y', 200)
            + "\r\nbare\nlf and a\0nul\r\ndot\r\n" + new string('z', 1200) + "\r\nlast\r\n";
        foreach (var (split, input) in Segments.AllSplits(bytes))
        {
            var (content, end, violations) = Decode(input);
            Assert.True(content == expected, split);
            Assert.Equal(bytes.Length - "RSET\r\n".Length, end);
            Assert.Equal(ContentViolations.BareLineEnding | ContentViolations.Nul | ContentViolations.LineTooLong, violations);
        }
    }

    [Fact]
    public void Bare_LF_is_a_violation_but_passes_through()
    {
        var (content, end, violations) = Decode(Segments.Whole("a\nb\r\n.\r\n"u8.ToArray()));
        Assert.Equal("a\nb\r\n", content);
        Assert.Equal(8, end);
        Assert.Equal(ContentViolations.BareLineEnding, violations);
    }
}
