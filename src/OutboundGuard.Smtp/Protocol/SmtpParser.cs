using System.Buffers;
using System.Text;

namespace OutboundGuard.Smtp.Protocol;

/// <summary>
/// Parses one command line. Pure and synchronous: no pipe, no await, no allocation beyond the
/// command's strings. One method per RFC 5321 §4.1.2 ABNF rule.
/// </summary>
internal static partial class SmtpParser
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Sp = (byte)' ';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads one CRLF-terminated line from <paramref name="reader"/> and parses it.
    /// Returns false, without advancing, when no complete line is buffered yet. Returns true when a line
    /// was consumed: then either <paramref name="command"/> is set, or it is null and
    /// <paramref name="error"/> is the reply to send.
    /// </summary>
    public static bool TryParse(ref SequenceReader<byte> reader, out SmtpCommand? command, out SmtpReply error)
    {
        command = null;
        error = default;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> lineSequence, "\r\n"u8, advancePastDelimiter: true))
        {
            return false;
        }

        var length = checked((int)lineSequence.Length);
        byte[]? rented = null;
        Span<byte> line = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            lineSequence.CopyTo(line);
            command = ParseLine(line, out error);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses one command line without its CRLF.</summary>
    internal static SmtpCommand? ParseLine(ReadOnlySpan<byte> line, out SmtpReply error)
    {
        error = default;

        // A bare CR or LF inside a command line is never a line ending (RFC 5321 §2.3.8); refuse the line.
        if (line.IndexOfAny(Cr, Lf) >= 0)
        {
            error = SmtpReplies.SyntaxError.WithText("Bare CR or LF in command line");
            return null;
        }

        var space = line.IndexOf(Sp);
        var verb = space < 0 ? line : line[..space];
        var rest = space < 0 ? [] : line[(space + 1)..];
        var hasArgument = space >= 0;

        if (Ascii.EqualsIgnoreCase(verb, "EHLO"u8))
        {
            return TryParseHeloArgument(rest, out var domain, out error) ? new EhloCommand(domain) : null;
        }

        if (Ascii.EqualsIgnoreCase(verb, "HELO"u8))
        {
            return TryParseHeloArgument(rest, out var domain, out error) ? new HeloCommand(domain) : null;
        }

        if (Ascii.EqualsIgnoreCase(verb, "MAIL"u8))
        {
            return TryParseMailFrom(rest, out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "RCPT"u8))
        {
            return TryParseRcptTo(rest, out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "DATA"u8))
        {
            return NoArgument(hasArgument, new DataCommand(), out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "BDAT"u8))
        {
            return TryParseBdat(rest, out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "RSET"u8))
        {
            return NoArgument(hasArgument, new RsetCommand(), out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "NOOP"u8))
        {
            // NOOP may carry a string, which is ignored (RFC 5321 §4.1.1.9).
            return new NoopCommand();
        }

        if (Ascii.EqualsIgnoreCase(verb, "QUIT"u8))
        {
            return NoArgument(hasArgument, new QuitCommand(), out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "VRFY"u8))
        {
            if (rest.IsEmpty)
            {
                error = SmtpReplies.SyntaxError;
                return null;
            }

            return new VrfyCommand(Decode(rest));
        }

        if (Ascii.EqualsIgnoreCase(verb, "HELP"u8))
        {
            return new HelpCommand(rest.IsEmpty ? null : Decode(rest));
        }

        if (Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8))
        {
            return NoArgument(hasArgument, new StartTlsCommand(), out error);
        }

        if (Ascii.EqualsIgnoreCase(verb, "AUTH"u8))
        {
            return TryParseAuth(rest, out error);
        }

        error = SmtpReplies.CommandUnrecognized;
        return null;
    }

    private static SmtpCommand? NoArgument(bool hasArgument, SmtpCommand command, out SmtpReply error)
    {
        error = hasArgument ? SmtpReplies.SyntaxError.WithText("This command takes no arguments") : default;
        return hasArgument ? null : command;
    }

    /// <summary>ehlo = "EHLO" SP ( Domain / address-literal ) CRLF (RFC 5321 §4.1.1.1).</summary>
    private static bool TryParseHeloArgument(ReadOnlySpan<byte> rest, out string domain, out SmtpReply error)
    {
        domain = string.Empty;
        error = SmtpReplies.SyntaxError.WithText("Syntax: EHLO domain-or-address-literal");
        if (rest.IsEmpty)
        {
            return false;
        }

        var consumed = rest[0] == (byte)'[' ? TryParseAddressLiteral(rest) : TryParseDomain(rest);
        if (consumed != rest.Length)
        {
            return false;
        }

        domain = Encoding.ASCII.GetString(rest);
        error = default;
        return true;
    }

    /// <summary>bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF (RFC 3030 §2).</summary>
    private static BdatCommand? TryParseBdat(ReadOnlySpan<byte> rest, out SmtpReply error)
    {
        error = SmtpReplies.SyntaxError.WithText("Syntax: BDAT chunk-size [LAST]");
        var space = rest.IndexOf(Sp);
        var size = space < 0 ? rest : rest[..space];
        if (!TryParseNumber(size, out var chunkSize))
        {
            return null;
        }

        var last = false;
        if (space >= 0)
        {
            if (!Ascii.EqualsIgnoreCase(rest[(space + 1)..], "LAST"u8))
            {
                return null;
            }

            last = true;
        }

        error = default;
        return new BdatCommand(chunkSize, last);
    }

    /// <summary>AUTH SP sasl-mech [SP initial-response] (RFC 4954 §4).</summary>
    private static AuthCommand? TryParseAuth(ReadOnlySpan<byte> rest, out SmtpReply error)
    {
        error = SmtpReplies.SyntaxError.WithText("Syntax: AUTH mechanism [initial-response]");
        var space = rest.IndexOf(Sp);
        var mechanism = space < 0 ? rest : rest[..space];
        if (mechanism.IsEmpty || mechanism.Length > 20 || !IsSaslMechanism(mechanism))
        {
            return null;
        }

        string? initial = null;
        if (space >= 0)
        {
            var response = rest[(space + 1)..];
            if (response.IsEmpty || response.IndexOf(Sp) >= 0)
            {
                return null;
            }

            initial = Encoding.ASCII.GetString(response);
        }

        error = default;
        return new AuthCommand(Encoding.ASCII.GetString(mechanism).ToUpperInvariant(), initial);
    }

    private static bool IsSaslMechanism(ReadOnlySpan<byte> mechanism)
    {
        foreach (var b in mechanism)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool TryParseNumber(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
