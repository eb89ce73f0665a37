using System.Net;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>
/// An endpoint bound for SMTP, so that <see cref="SmtpTransportFactory"/> takes it. <paramref name="inlineCompletions"/>:
/// whether its connections start with inline socket completions (plaintext listeners; TLS ones never).
/// </summary>
internal sealed class SmtpEndPoint(IPAddress address, int port, bool inlineCompletions) : IPEndPoint(address, port)
{
    public bool InlineCompletions { get; } = inlineCompletions;
}
