using System.Buffers;

namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// Writes spooled content (CRLF line endings only, as <see cref="Content.SpooledContent"/> guarantees) as DATA's
/// mail data (RFC 5321 §4.5.2): a dot at the start of a line doubled, found with the vectorised search for
/// "\n.", a CRLF added when the content does not end with one, then the terminating ".\r\n". The bytes go out
/// in chunks of at most 64 KiB read from the spool (constant memory for any size), a message below that in one
/// write with its terminator.
/// </summary>
internal static class DotStuffedContent
{
    private const int ChunkOctets = 64 * 1024;

    /// <summary>
    /// Copies <paramref name="content"/> from its start to <paramref name="connection"/>; <paramref name="beforeEachWrite"/>
    /// runs before every write (the session restarts its timeout there, so a large message gets one timeout per chunk).
    /// </summary>
    public static async Task WriteAsync(Stream content, Stream connection, Action beforeEachWrite, CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(ChunkOctets);

        // Worst case "\n.\n." doubles every other octet: 1.5 times the chunk, plus the first dot and the terminator.
        var output = ArrayPool<byte>.Shared.Rent((ChunkOctets * 3 / 2) + 8);
        try
        {
            content.Position = 0;
            var atLineStart = true;
            var endsWithCrlf = false;
            var previous = (byte)0;
            var done = content.Length == 0;
            while (!done)
            {
                var read = await content.ReadAsync(input.AsMemory(0, ChunkOctets), cancellationToken).ConfigureAwait(false);
                done = read == 0 || content.Position >= content.Length;
                var written = 0;
                if (read > 0)
                {
                    var chunk = input.AsSpan(0, read);
                    written = Stuff(chunk, output, ref atLineStart);
                    endsWithCrlf = read >= 2 ? chunk[^2] == (byte)'\r' && chunk[^1] == (byte)'\n' : previous == (byte)'\r' && chunk[0] == (byte)'\n';
                    previous = chunk[^1];
                }

                if (done)
                {
                    written += Terminate(output.AsSpan(written), endsWithCrlf);
                }

                beforeEachWrite();
                await connection.WriteAsync(output.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            }

            if (content.Length == 0)
            {
                beforeEachWrite();
                await connection.WriteAsync(".\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Copies <paramref name="input"/> with every line-initial dot doubled; returns the octets written.</summary>
    internal static int Stuff(ReadOnlySpan<byte> input, Span<byte> output, ref bool atLineStart)
    {
        if (input.IsEmpty)
        {
            return 0;
        }

        var written = 0;
        if (atLineStart && input[0] == (byte)'.')
        {
            output[written++] = (byte)'.';
        }

        var rest = input;
        while (true)
        {
            var at = rest.IndexOf("\n."u8);
            if (at < 0)
            {
                rest.CopyTo(output[written..]);
                written += rest.Length;
                break;
            }

            rest[..(at + 1)].CopyTo(output[written..]);
            written += at + 1;
            output[written++] = (byte)'.';
            rest = rest[(at + 1)..];
        }

        atLineStart = input[^1] == (byte)'\n';
        return written;
    }

    private static int Terminate(Span<byte> output, bool endsWithCrlf)
    {
        if (endsWithCrlf)
        {
            ".\r\n"u8.CopyTo(output);
            return 3;
        }

        "\r\n.\r\n"u8.CopyTo(output);
        return 5;
    }
}
