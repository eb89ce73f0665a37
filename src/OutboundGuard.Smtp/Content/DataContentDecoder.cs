using System.Buffers;

namespace OutboundGuard.Smtp.Content;

/// <summary>What the content checks found in a message; each one makes the server refuse it after the end of data.</summary>
[Flags]
internal enum ContentViolations
{
    None = 0,

    /// <summary>A CR not followed by LF, or an LF not preceded by CR (RFC 5321 §2.3.8).</summary>
    BareLineEnding = 1,

    /// <summary>A NUL octet (RFC 5321 §4.5.2 text is 7-bit or 8-bit, never NUL; RFC 6152 §3).</summary>
    Nul = 2,

    /// <summary>A text line longer than the configured limit (RFC 5321 §4.5.3.1.6).</summary>
    LineTooLong = 4,
}

/// <summary>
/// Decodes DATA content as it arrives: removes dot-stuffing (RFC 5321 §4.5.2), finds the end of data and
/// records violations. Only CR LF "." CR LF ends the data; a bare CR or bare LF never starts a line, so
/// none of the SMTP smuggling sequences (LF.LF, CR.CR, LF.CRLF, CRLF NUL.CRLF ...) can end a message.
/// State is kept between calls, so input may be split anywhere, even one octet per call.
/// </summary>
internal struct DataContentDecoder
{
    private enum State : byte
    {
        /// <summary>After CRLF (or at the start of the content).</summary>
        LineStart,

        /// <summary>After CRLF ".": the dot is held back.</summary>
        Dot,

        /// <summary>After CRLF "." CR: the dot and CR are held back.</summary>
        DotCr,

        /// <summary>Inside a line.</summary>
        InLine,

        /// <summary>After a CR inside a line (the CR was written).</summary>
        InLineCr,
    }

    private static readonly SearchValues<byte> LineSpecials = SearchValues.Create("\r\n\0"u8);

    private readonly int _maxLineLength;
    private State _state;
    private int _lineLength;

    /// <param name="maxLineLength">Longest allowed line in octets, CRLF included (1000 in RFC 5321 §4.5.3.1.6).</param>
    public DataContentDecoder(int maxLineLength)
    {
        _maxLineLength = maxLineLength;
        _state = State.LineStart;
    }

    /// <summary>Violations found so far.</summary>
    public ContentViolations Violations { get; private set; }

    /// <summary>
    /// Decodes <paramref name="input"/> into <paramref name="output"/>, which must hold at least
    /// input.Length + 1 octets. Returns true when the end of data was found; then
    /// <paramref name="consumed"/> counts the input up to and including the final LF.
    /// </summary>
    public bool Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        var w = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (_state == State.InLine)
            {
                // Inside a line only CR, LF and NUL need a look: copy the octets up to the next one in one go.
                var run = input[i..].IndexOfAny(LineSpecials);
                if (run < 0)
                {
                    run = input.Length - i;
                }

                if (run > 0)
                {
                    input.Slice(i, run).CopyTo(output[w..]);
                    w += run;
                    i += run;
                    _lineLength += run;
                    if (_lineLength > _maxLineLength - 2)
                    {
                        Violations |= ContentViolations.LineTooLong;
                    }

                    if (i == input.Length)
                    {
                        break;
                    }
                }
            }

            var b = input[i];
            switch (_state)
            {
                case State.LineStart:
                    if (b == (byte)'.')
                    {
                        _state = State.Dot;
                        _lineLength = 1;
                        continue;
                    }

                    break;

                case State.Dot:
                    if (b == (byte)'\r')
                    {
                        _state = State.DotCr;
                        continue;
                    }

                    // The leading dot was stuffing: drop it and treat b as line content.
                    _state = State.InLine;
                    break;

                case State.DotCr:
                    if (b == (byte)'\n')
                    {
                        consumed = i + 1;
                        written = w;
                        return true;
                    }

                    // "." CR x: a bare CR after a stuffing dot. Write the CR held back, then handle x.
                    Violations |= ContentViolations.BareLineEnding;
                    output[w++] = (byte)'\r';
                    _state = State.InLineCr;
                    break;
            }

            // Line content (states InLine, InLineCr, and LineStart/Dot falling through).
            if (_state == State.InLineCr)
            {
                if (b == (byte)'\n')
                {
                    output[w++] = b;
                    _state = State.LineStart;
                    _lineLength = 0;
                    continue;
                }

                Violations |= ContentViolations.BareLineEnding;
            }

            _state = b == (byte)'\r' ? State.InLineCr : State.InLine;
            if (b == (byte)'\n')
            {
                Violations |= ContentViolations.BareLineEnding;
            }
            else if (b == 0)
            {
                Violations |= ContentViolations.Nul;
            }

            if (b != (byte)'\r' && ++_lineLength > _maxLineLength - 2)
            {
                Violations |= ContentViolations.LineTooLong;
            }

            output[w++] = b;
        }

        consumed = input.Length;
        written = w;
        return false;
    }
}
