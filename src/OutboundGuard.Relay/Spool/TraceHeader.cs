using System.Globalization;
using System.Text;
using OutboundGuard.Smtp.Handoff;

namespace OutboundGuard.Relay;

/// <summary>
/// The Received: trace line the relay prepends to every message it accepts (RFC 5321 §4.4), so the next
/// hop and a recipient's admin can follow the message's path. The protocol keyword follows RFC 3848:
/// ESMTP, ESMTPS (TLS), ESMTPA (AUTH) or ESMTPSA (both).
/// </summary>
internal static class TraceHeader
{
    public static byte[] Create(string serverName, SmtpSessionInfo session, SmtpEnvelope envelope, Guid messageId, DateTimeOffset now)
    {
        var protocol = "ESMTP"
            + (session.IsSecure ? "S" : "")
            + (session.Identity?.Kind == SmtpIdentityKind.Authenticated ? "A" : "");
        var helo = Sanitize(session.HeloName ?? "unknown");
        var address = session.RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? session.RemoteEndPoint.Address.MapToIPv4() : session.RemoteEndPoint.Address;
        var recipient = envelope.Recipients.Count == 1 ? $"\r\n\tfor <{Sanitize(envelope.Recipients[0].Address)}>" : "";
        var date = now.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + now.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes($"Received: from {helo} ([{address}])\r\n\tby {Sanitize(serverName)} (OutboundGuard) with {protocol} id {messageId:N}{recipient};\r\n\t{date}\r\n");
    }

    /// <summary>Keeps client-supplied names from breaking the header (no CR, LF or control characters).</summary>
    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
