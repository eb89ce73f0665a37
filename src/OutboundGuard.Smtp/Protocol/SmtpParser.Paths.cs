using System.Text;

namespace OutboundGuard.Smtp.Protocol;

internal static partial class SmtpParser
{
    /// <summary>mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF (RFC 5321 §4.1.1.2).</summary>
    private static MailFromCommand? TryParseMailFrom(ReadOnlySpan<byte> rest, out SmtpReply error)
    {
        error = SmtpReplies.SyntaxError.WithText("Syntax: MAIL FROM:<address> [parameters]");
        if (!TryConsumeKeyword(ref rest, "FROM:"u8))
        {
            return null;
        }

        if (!TryParseReversePath(ref rest, out var reversePath))
        {
            error = SmtpReplies.BadSenderSyntax;
            return null;
        }

        var parameters = MailParameters.None;
        if (!rest.IsEmpty && (rest[0] != Sp || !TryParseMailParameters(rest[1..], out parameters, out error)))
        {
            if (rest[0] != Sp)
            {
                error = SmtpReplies.BadSenderSyntax;
            }

            return null;
        }

        error = default;
        return new MailFromCommand(reversePath, parameters);
    }

    /// <summary>rcpt = "RCPT TO:" ( "&lt;Postmaster@" Domain "&gt;" / "&lt;Postmaster&gt;" / Forward-path ) [SP Rcpt-parameters] CRLF (RFC 5321 §4.1.1.3).</summary>
    private static RcptToCommand? TryParseRcptTo(ReadOnlySpan<byte> rest, out SmtpReply error)
    {
        error = SmtpReplies.SyntaxError.WithText("Syntax: RCPT TO:<address> [parameters]");
        if (!TryConsumeKeyword(ref rest, "TO:"u8))
        {
            return null;
        }

        if (!TryParseForwardPath(ref rest, out var forwardPath))
        {
            error = SmtpReplies.BadRecipientSyntax;
            return null;
        }

        var parameters = RcptParameters.None;
        if (!rest.IsEmpty && (rest[0] != Sp || !TryParseRcptParameters(rest[1..], out parameters, out error)))
        {
            if (rest[0] != Sp)
            {
                error = SmtpReplies.BadRecipientSyntax;
            }

            return null;
        }

        error = default;
        return new RcptToCommand(forwardPath, parameters);
    }

    private static bool TryConsumeKeyword(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> keyword)
    {
        if (rest.Length < keyword.Length || !Ascii.EqualsIgnoreCase(rest[..keyword.Length], keyword))
        {
            return false;
        }

        rest = rest[keyword.Length..];

        // Leniency, the only one in the envelope grammar: a space after "FROM:" / "TO:" is not in
        // RFC 5321 §4.1.1.2, but Outlook-era and many scripted clients send "MAIL FROM: <a@b>", and
        // Postfix and Exchange accept it.
        while (!rest.IsEmpty && rest[0] == Sp)
        {
            rest = rest[1..];
        }

        return true;
    }

    /// <summary>Reverse-path = Path / "&lt;&gt;". Returns an empty string for the null sender.</summary>
    internal static bool TryParseReversePath(ref ReadOnlySpan<byte> input, out string address)
    {
        if (input.StartsWith("<>"u8))
        {
            input = input[2..];
            address = string.Empty;
            return true;
        }

        return TryParsePath(ref input, allowPostmaster: false, out address);
    }

    /// <summary>Forward-path = Path, or the special &lt;Postmaster&gt; without a domain.</summary>
    internal static bool TryParseForwardPath(ref ReadOnlySpan<byte> input, out string address)
        => TryParsePath(ref input, allowPostmaster: true, out address);

    /// <summary>
    /// Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;". A source route (A-d-l) is accepted and ignored, as
    /// RFC 5321 §4.1.1.3 and Appendix C require of servers ("MUST accept ... SHOULD ignore the route").
    /// </summary>
    private static bool TryParsePath(ref ReadOnlySpan<byte> input, bool allowPostmaster, out string address)
    {
        address = string.Empty;
        if (input.IsEmpty || input[0] != (byte)'<')
        {
            return false;
        }

        var span = input[1..];
        if (!span.IsEmpty && span[0] == (byte)'@' && !TrySkipSourceRoute(ref span))
        {
            return false;
        }

        if (allowPostmaster && span.Length >= 11 && Ascii.EqualsIgnoreCase(span[..11], "Postmaster>"u8))
        {
            address = "Postmaster";
            input = span[11..];
            return true;
        }

        var mailboxLength = TryParseMailbox(span);
        if (mailboxLength == 0 || mailboxLength >= span.Length || span[mailboxLength] != (byte)'>')
        {
            return false;
        }

        try
        {
            address = StrictUtf8.GetString(span[..mailboxLength]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        input = span[(mailboxLength + 1)..];
        return true;
    }

    /// <summary>A-d-l = At-domain *( "," At-domain ) ":" ; At-domain = "@" Domain.</summary>
    private static bool TrySkipSourceRoute(ref ReadOnlySpan<byte> span)
    {
        while (true)
        {
            if (span.IsEmpty || span[0] != (byte)'@')
            {
                return false;
            }

            var domain = TryParseDomain(span[1..]);
            if (domain == 0)
            {
                return false;
            }

            span = span[(1 + domain)..];
            if (span.IsEmpty)
            {
                return false;
            }

            if (span[0] == (byte)':')
            {
                span = span[1..];
                return true;
            }

            if (span[0] != (byte)',')
            {
                return false;
            }

            span = span[1..];
        }
    }

    /// <summary>Mailbox = Local-part "@" ( Domain / address-literal ). Returns the octets consumed, 0 when invalid.</summary>
    internal static int TryParseMailbox(ReadOnlySpan<byte> input)
    {
        var local = TryParseLocalPart(input);
        if (local == 0 || local >= input.Length || input[local] != (byte)'@')
        {
            return 0;
        }

        var rest = input[(local + 1)..];
        var domain = !rest.IsEmpty && rest[0] == (byte)'[' ? TryParseAddressLiteral(rest) : TryParseDomain(rest);
        return domain == 0 ? 0 : local + 1 + domain;
    }

    /// <summary>Local-part = Dot-string / Quoted-string (RFC 5321 §4.1.2; UTF-8 allowed per RFC 6531 §3.3).</summary>
    internal static int TryParseLocalPart(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return 0;
        }

        if (input[0] == (byte)'"')
        {
            return TryParseQuotedString(input);
        }

        // Dot-string = Atom *("." Atom)
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < input.Length && IsAtext(input[i]))
            {
                i++;
            }

            if (i == start)
            {
                return 0;
            }

            if (i < input.Length && input[i] == (byte)'.')
            {
                i++;
                continue;
            }

            return i;
        }
    }

    /// <summary>Quoted-string = DQUOTE *QcontentSMTP DQUOTE.</summary>
    private static int TryParseQuotedString(ReadOnlySpan<byte> input)
    {
        for (var i = 1; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b == (byte)'\\')
            {
                // quoted-pairSMTP = %d92 %d32-126
                if (i + 1 >= input.Length || input[i + 1] is < 32 or > 126)
                {
                    return 0;
                }

                i++;
                continue;
            }

            // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF-8 (RFC 6531)
            if (b < 32 || b == 127)
            {
                return 0;
            }
        }

        return 0;
    }

    /// <summary>Domain = sub-domain *("." sub-domain). Returns the octets consumed, 0 when invalid.</summary>
    internal static int TryParseDomain(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (true)
        {
            // sub-domain = Let-dig [Ldh-str]
            var start = i;
            while (i < input.Length && IsDomainChar(input[i]))
            {
                i++;
            }

            if (i == start || input[start] == (byte)'-' || input[i - 1] == (byte)'-')
            {
                return 0;
            }

            if (i + 1 < input.Length && input[i] == (byte)'.' && IsDomainChar(input[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }
    }

    /// <summary>address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]".</summary>
    internal static int TryParseAddressLiteral(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty || input[0] != (byte)'[')
        {
            return 0;
        }

        for (var i = 1; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)']')
            {
                return i == 1 ? 0 : i + 1;
            }

            // dcontent = %d33-90 / %d94-126
            if (b is < 33 or > 126 || b == (byte)'[' || b == (byte)'\\')
            {
                return 0;
            }
        }

        return 0;
    }

    // Leniency: '_' is not in Ldh-str (RFC 5321 §4.1.2), but Windows host names in EHLO and some
    // internal domains carry it; Postfix and Exchange accept it. Octets >= 0x80 are U-labels (RFC 6531 §3.3).
    private static bool IsDomainChar(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' || b >= 0x80;

    // atext (RFC 5322 §3.2.3), plus UTF-8 octets (RFC 6531 §3.3).
    private static bool IsAtext(byte b) => char.IsAsciiLetterOrDigit((char)b) || b >= 0x80 || "!#$%&'*+-/=?^_`{|}~"u8.Contains(b);
}
