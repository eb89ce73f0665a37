using System.Buffers;
using OutboundGuard.Smtp.Content;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Fuzz.Targets;

/// <summary>
/// The fuzz targets: the SMTP command parser and the DATA content reader, fed arbitrary octets split at
/// arbitrary points, with their invariants checked. A broken invariant throws <see cref="InvariantException"/>
/// (which the fuzzer records as a crash); any other exception is a crash too.
/// </summary>
public static class SmtpInputTargets
{
    public const int MaxLineLength = 1000;

    /// <summary>
    /// Parses every CRLF-terminated line of <paramref name="input"/> with <c>SmtpParser.TryParse</c> over a
    /// sequence split at input-derived points. Invariants: never throws; a consumed line always ends at a CRLF;
    /// a parsed command or an error reply, never both; nothing after the last CRLF is consumed.
    /// </summary>
    public static void CommandLines(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var split = input[0];
        var data = input[1..].ToArray();
        var sequence = Segments.Split(data, split);
        var reader = new SequenceReader<byte>(sequence);
        var lines = 0;
        while (lines++ < 10_000)
        {
            var before = reader.Consumed;
            if (!SmtpParser.TryParse(ref reader, out var command, out var error))
            {
                Check(reader.Consumed == before, "TryParse advanced without a complete line");
                var rest = data.AsSpan((int)before);
                Check(rest.IndexOf("\r\n"u8) < 0, "TryParse refused a buffer holding a complete line");
                return;
            }

            var end = (int)reader.Consumed;
            Check(end >= before + 2 && data[end - 2] == (byte)'\r' && data[end - 1] == (byte)'\n', "a consumed line does not end with CRLF");
            Check(data.AsSpan((int)before, end - (int)before - 2).IndexOf("\r\n"u8) < 0, "a consumed line holds an inner CRLF");
            Check((command is null) != (error.Code == 0), "both or neither of a command and an error");
            if (command is null)
            {
                Check(error.Code is >= 500 and < 600, $"a refused line got reply {error.Code}");
            }
        }
    }

    /// <summary>
    /// Feeds <paramref name="input"/> as DATA content to <c>DataContentDecoder</c> in input-derived chunks.
    /// Invariants: never throws; the end of data is found exactly at the first CRLF "." CRLF (the start of
    /// the content counts as a line start) and never elsewhere; the decoded octets equal the dot-unstuffed
    /// content; a NUL before the end is always reported; the output never outgrows the input.
    /// </summary>
    public static void DataContent(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var chunk = Math.Max(1, (int)input[0]);
        var data = input[1..];
        var decoder = new DataContentDecoder(MaxLineLength);
        var output = new List<byte>(data.Length);
        var buffer = new byte[chunk + 1];
        var offset = 0;
        var ended = -1;
        while (offset < data.Length)
        {
            var piece = data.Slice(offset, Math.Min(chunk, data.Length - offset));
            var done = decoder.Decode(piece, buffer, out var consumed, out var written);
            Check(written <= piece.Length + 1 && consumed <= piece.Length, "decoder over-ran its buffers");
            output.AddRange(buffer.AsSpan(0, written).ToArray());
            if (done)
            {
                ended = offset + consumed;
                break;
            }

            Check(consumed == piece.Length || consumed == 0, "partial consumption without an end of data");
            offset += piece.Length;
        }

        var expectedEnd = ReferenceEnd(data);
        Check(ended == expectedEnd, $"end of data at {ended}, expected {expectedEnd}");
        if (ended < 0)
        {
            return;
        }

        var expected = ReferenceUnstuff(data[..ended]);
        Check(output.Count == expected.Length && output.ToArray().AsSpan().SequenceEqual(expected), "decoded content differs from the dot-unstuffed content");
        Check(((decoder.Violations & ContentViolations.Nul) != 0) == (expected.AsSpan().IndexOf((byte)0) >= 0), "NUL reporting differs");
    }

    /// <summary>Index just past the first CRLF "." CRLF of CRLF + content, in content coordinates; -1 when none.</summary>
    private static int ReferenceEnd(ReadOnlySpan<byte> data)
    {
        var prefixed = new byte[data.Length + 2];
        prefixed[0] = (byte)'\r';
        prefixed[1] = (byte)'\n';
        data.CopyTo(prefixed.AsSpan(2));
        var at = prefixed.AsSpan().IndexOf("\r\n.\r\n"u8);
        return at < 0 ? -1 : at + 5 - 2;
    }

    /// <summary>The content before the terminator, with the dot after each CRLF (and at the start) removed.</summary>
    private static byte[] ReferenceUnstuff(ReadOnlySpan<byte> withTerminator)
    {
        // Drop the trailing "." CRLF (the CRLF before the dot belongs to the content).
        var content = withTerminator[..^3];
        var result = new List<byte>(content.Length);
        var lineStart = true;
        for (var i = 0; i < content.Length; i++)
        {
            if (lineStart && content[i] == (byte)'.')
            {
                lineStart = false;
                continue;
            }

            result.Add(content[i]);
            lineStart = content[i] == (byte)'\n' && i > 0 && content[i - 1] == (byte)'\r';
        }

        return [.. result];
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvariantException(what);
        }
    }
}
