namespace OutboundGuard.Smtp.Hosting;

/// <summary>Whether a listener sits behind a TCP load balancer that speaks the PROXY protocol (v1 or v2).</summary>
public enum ProxyProtocolMode
{
    /// <summary>No PROXY protocol: the client address is the socket's peer. A "PROXY" line is an unknown command.</summary>
    Off,

    /// <summary>
    /// Every connection must come from one of <see cref="SmtpOptions.TrustedProxies"/> and start with a
    /// PROXY v1 or v2 header, whose source address becomes the client address. Other peers are refused
    /// (554 5.7.1, closed) without reading what they send; a trusted peer without a valid header is refused
    /// with 421 4.7.0 and closed.
    /// </summary>
    Required,
}
