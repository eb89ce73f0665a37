namespace OutboundGuard.Smtp.Content;

/// <summary>
/// Rewrites every bare CR and bare LF in message content to CRLF before the message is relayed, so
/// the next hop never sees a line ending it might read differently (the same repair as Postfix's
/// cleanup_replace_stray_cr_lf). Pure; keeps state between chunks so content can be streamed.
/// </summary>
public sealed class StrayLineEndingNormalizer
{
    private bool _pendingCr;

    /// <summary>Normalizes a whole message at once.</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> content)
    {
        var normalizer = new StrayLineEndingNormalizer();
        var output = new byte[(content.Length * 2) + 2];
        var written = normalizer.Append(content, output);
        written += normalizer.Flush(output.AsSpan(written));
        return output.AsSpan(0, written).ToArray();
    }

    /// <summary>The most output octets <see cref="Append"/> can produce for an input of this length.</summary>
    public static int MaxOutputLength(int inputLength) => (inputLength * 2) + 1;

    /// <summary>
    /// Normalizes one chunk into <paramref name="output"/> (at least <see cref="MaxOutputLength"/> octets)
    /// and returns the octets written. A CR at the end of the chunk is held until the next call or <see cref="Flush"/>.
    /// </summary>
    public int Append(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var w = 0;
        foreach (var b in input)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                output[w++] = (byte)'\r';
                output[w++] = (byte)'\n';
                if (b == (byte)'\n')
                {
                    continue;
                }
            }

            if (b == (byte)'\r')
            {
                _pendingCr = true;
            }
            else if (b == (byte)'\n')
            {
                output[w++] = (byte)'\r';
                output[w++] = (byte)'\n';
            }
            else
            {
                output[w++] = b;
            }
        }

        return w;
    }

    /// <summary>Ends the content: a held CR becomes CRLF. Returns the octets written (0 or 2).</summary>
    public int Flush(Span<byte> output)
    {
        if (!_pendingCr)
        {
            return 0;
        }

        _pendingCr = false;
        output[0] = (byte)'\r';
        output[1] = (byte)'\n';
        return 2;
    }
}
