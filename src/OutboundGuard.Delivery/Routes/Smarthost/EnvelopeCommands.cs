using System.Globalization;
using System.Text;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// MAIL FROM and RCPT TO as the relay sends them on: the addresses as received, the domain as an A-label when the
/// transaction is not SMTPUTF8 (RFC 5890), and the parameters of the original transaction the smarthost
/// understands: BODY=8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), SIZE (RFC 1870), RET, ENVID and NOTIFY (RFC 3461).
/// </summary>
internal static class EnvelopeCommands
{
    private static readonly IdnMapping Idn = new();

    private static readonly string[] NotifyKeywords = ["SUCCESS", "FAILURE", "DELAY"];

    public static string MailFrom(QueuedMessage message, SmarthostCapabilities server, bool eightBit, bool smtpUtf8, long size)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(Address(message.EnvelopeFrom, smtpUtf8)).Append('>');
        if (eightBit && server.EightBitMime)
        {
            command.Append(" BODY=8BITMIME");
        }

        if (smtpUtf8)
        {
            command.Append(" SMTPUTF8");
        }

        if (server.Size)
        {
            command.Append(" SIZE=").Append(size.ToString(CultureInfo.InvariantCulture));
        }

        if (server.Dsn)
        {
            if (message.DsnRet?.ToUpperInvariant() is "FULL" or "HDRS")
            {
                command.Append(" RET=").Append(message.DsnRet.ToUpperInvariant());
            }

            if (!string.IsNullOrEmpty(message.DsnEnvid))
            {
                // Kept as received, already xtext; anything else is encoded.
                command.Append(" ENVID=").Append(IsXText(message.DsnEnvid) ? message.DsnEnvid : XText(message.DsnEnvid));
            }
        }

        return command.Append("\r\n").ToString();
    }

    public static string RcptTo(QueuedMessage message, string recipient, SmarthostCapabilities server, bool smtpUtf8)
    {
        var command = new StringBuilder("RCPT TO:<").Append(Address(recipient, smtpUtf8)).Append('>');
        if (server.Dsn && Notify(message.NotifyFor(recipient)) is { } notify)
        {
            command.Append(" NOTIFY=").Append(notify);
        }

        return command.Append("\r\n").ToString();
    }

    /// <summary>The NOTIFY keywords (RFC 3461 §4.1) that are valid, upper case, in order; NEVER stands alone.</summary>
    private static string? Notify(string? notify)
    {
        if (string.IsNullOrWhiteSpace(notify))
        {
            return null;
        }

        var keywords = notify.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(k => k.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        if (keywords.Contains("NEVER"))
        {
            return "NEVER";
        }

        var valid = NotifyKeywords.Where(keywords.Contains).ToArray();
        return valid.Length == 0 ? null : string.Join(',', valid);
    }

    /// <summary>The address as received, its domain as an A-label unless the transaction is SMTPUTF8.</summary>
    private static string Address(string address, bool smtpUtf8)
    {
        var at = address.LastIndexOf('@');
        if (smtpUtf8 || at < 0 || Ascii.IsValid(address.AsSpan(at + 1)))
        {
            return address;
        }

        try
        {
            return string.Concat(address.AsSpan(0, at + 1), Idn.GetAscii(address[(at + 1)..]));
        }
        catch (ArgumentException)
        {
            // Not a valid IDN: sent as it is; the smarthost's refusal is recorded for the recipient.
            return address;
        }
    }

    private static bool IsXText(string value) => value.All(c => c is > (char)32 and < (char)127 and not '=');

    /// <summary>RFC 3461 §4: xtext, "+" and hex for "+", "=" and anything outside 33–126.</summary>
    private static string XText(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is < 33 or > 126 or (byte)'+' or (byte)'=')
            {
                text.Append('+').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }
}
