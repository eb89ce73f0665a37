namespace OutboundGuard.Delivery;

/// <summary>How the connection to a smarthost is secured.</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain SMTP, no TLS (only for a smarthost on the same host or a trusted link).</summary>
    None,

    /// <summary>STARTTLS is required (RFC 3207); a server without it is a connection failure and mail is deferred.</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, plain otherwise.</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (SMTPS, RFC 8314 §3.3), usually port 465.</summary>
    Implicit,
}
