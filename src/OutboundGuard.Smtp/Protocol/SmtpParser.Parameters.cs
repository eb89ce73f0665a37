using System.Text;

namespace OutboundGuard.Smtp.Protocol;

internal static partial class SmtpParser
{
    /// <summary>
    /// Mail-parameters = esmtp-param *(SP esmtp-param) (RFC 5321 §4.1.2), for the keywords this server
    /// offers: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954 §5).
    /// </summary>
    internal static bool TryParseMailParameters(ReadOnlySpan<byte> input, out MailParameters parameters, out SmtpReply error)
    {
        parameters = MailParameters.None;
        long? size = null;
        string? body = null, ret = null, envId = null, auth = null;
        var smtpUtf8 = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (TryParseEsmtpParameter(ref input, out var keyword, out var value, out error))
        {
            if (!seen.Add(keyword))
            {
                error = SmtpReplies.SyntaxError.WithText($"Duplicate {keyword} parameter");
                return false;
            }

            switch (keyword)
            {
                case "SIZE" when value is not null && TryParseNumber(Encoding.ASCII.GetBytes(value), out var declared):
                    size = declared;
                    break;
                case "BODY" when value?.ToUpperInvariant() is "7BIT" or "8BITMIME" or "BINARYMIME":
                    body = value.ToUpperInvariant();
                    break;
                case "SMTPUTF8" when value is null:
                    smtpUtf8 = true;
                    break;
                case "RET" when value?.ToUpperInvariant() is "FULL" or "HDRS":
                    ret = value.ToUpperInvariant();
                    break;
                case "ENVID" when value is { Length: > 0 and <= 100 }:
                    envId = value;
                    break;
                case "AUTH" when value is { Length: > 0 }:
                    auth = value;
                    break;
                case "SIZE" or "BODY" or "SMTPUTF8" or "RET" or "ENVID" or "AUTH":
                    error = SmtpReplies.SyntaxError.WithText($"Invalid value for {keyword} parameter");
                    return false;
                default:
                    error = SmtpReplies.ParameterNotRecognized;
                    return false;
            }
        }

        if (error != default)
        {
            return false;
        }

        parameters = new MailParameters(size, body, smtpUtf8, ret, envId, auth);
        return true;
    }

    /// <summary>Rcpt-parameters = esmtp-param *(SP esmtp-param), for NOTIFY and ORCPT (RFC 3461 §4.1, §4.2).</summary>
    internal static bool TryParseRcptParameters(ReadOnlySpan<byte> input, out RcptParameters parameters, out SmtpReply error)
    {
        parameters = RcptParameters.None;
        string? notify = null, orcpt = null;
        while (TryParseEsmtpParameter(ref input, out var keyword, out var value, out error))
        {
            switch (keyword)
            {
                case "NOTIFY" when notify is null && value is not null && IsNotifyList(value):
                    notify = value.ToUpperInvariant();
                    break;
                case "ORCPT" when orcpt is null && value is not null && value.Contains(';', StringComparison.Ordinal):
                    orcpt = value;
                    break;
                case "NOTIFY" or "ORCPT":
                    error = SmtpReplies.SyntaxError.WithText($"Invalid or duplicate {keyword} parameter");
                    return false;
                default:
                    error = SmtpReplies.ParameterNotRecognized;
                    return false;
            }
        }

        if (error != default)
        {
            return false;
        }

        parameters = new RcptParameters(notify, orcpt);
        return true;
    }

    /// <summary>NOTIFY = "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ) (RFC 3461 §4.1).</summary>
    private static bool IsNotifyList(string value)
    {
        var items = value.ToUpperInvariant().Split(',');
        if (items is ["NEVER"])
        {
            return true;
        }

        return items.All(i => i is "SUCCESS" or "FAILURE" or "DELAY") && items.Distinct().Count() == items.Length;
    }

    /// <summary>
    /// esmtp-param = esmtp-keyword ["=" esmtp-value]; esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-");
    /// esmtp-value = 1*(%d33-60 / %d62-126), UTF-8 allowed (RFC 6531 §3.3). Returns false at the end of
    /// input (error stays default) or on bad syntax (error set).
    /// </summary>
    private static bool TryParseEsmtpParameter(ref ReadOnlySpan<byte> input, out string keyword, out string? value, out SmtpReply error)
    {
        keyword = string.Empty;
        value = null;
        error = default;
        while (!input.IsEmpty && input[0] == Sp)
        {
            input = input[1..];
        }

        if (input.IsEmpty)
        {
            return false;
        }

        var end = input.IndexOf(Sp);
        var token = end < 0 ? input : input[..end];
        input = end < 0 ? [] : input[end..];

        var equals = token.IndexOf((byte)'=');
        var name = equals < 0 ? token : token[..equals];
        if (name.IsEmpty || !char.IsAsciiLetterOrDigit((char)name[0]))
        {
            error = SmtpReplies.SyntaxError.WithText("Bad parameter syntax");
            return false;
        }

        foreach (var b in name)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != (byte)'-')
            {
                error = SmtpReplies.SyntaxError.WithText("Bad parameter syntax");
                return false;
            }
        }

        keyword = Encoding.ASCII.GetString(name).ToUpperInvariant();
        if (equals >= 0)
        {
            var raw = token[(equals + 1)..];
            if (raw.IsEmpty || raw.IndexOf((byte)'=') >= 0 && keyword is not ("ENVID" or "ORCPT" or "AUTH"))
            {
                error = SmtpReplies.SyntaxError.WithText("Bad parameter syntax");
                return false;
            }

            foreach (var b in raw)
            {
                if (b < 33 || b == 127)
                {
                    error = SmtpReplies.SyntaxError.WithText("Bad parameter syntax");
                    return false;
                }
            }

            value = Decode(raw);
        }

        return true;
    }
}
