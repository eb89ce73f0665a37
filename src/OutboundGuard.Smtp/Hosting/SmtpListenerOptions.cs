namespace OutboundGuard.Smtp.Hosting;

/// <summary>One SMTP listening endpoint.</summary>
public sealed class SmtpListenerOptions
{
    /// <summary>Address and port to listen on, e.g. "127.0.0.1:2525", "0.0.0.0:25" or "[::]:587". Port 0 picks a free port.</summary>
    public string Endpoint { get; set; } = "127.0.0.1:2525";

    /// <summary>How connections on this endpoint are secured. Defaults to <see cref="SmtpListenerMode.Plain"/>.</summary>
    public SmtpListenerMode Mode { get; set; } = SmtpListenerMode.Plain;

    /// <summary>Whether connections arrive through a load balancer speaking the PROXY protocol. Defaults to <see cref="ProxyProtocolMode.Off"/>.</summary>
    public ProxyProtocolMode ProxyProtocol { get; set; } = ProxyProtocolMode.Off;
}
