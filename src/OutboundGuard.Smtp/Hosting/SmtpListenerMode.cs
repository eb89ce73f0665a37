namespace OutboundGuard.Smtp.Hosting;

/// <summary>How a listener secures its connections.</summary>
public enum SmtpListenerMode
{
    /// <summary>Plain SMTP (port 25/587 style); STARTTLS is offered when a certificate is configured.</summary>
    Plain,

    /// <summary>Like <see cref="Plain"/>, but nothing except EHLO, HELO, STARTTLS, NOOP, RSET and QUIT is accepted before TLS (530 5.7.0).</summary>
    StartTls,

    /// <summary>TLS from the first octet (RFC 8314 §3, port 465 style).</summary>
    ImplicitTls,
}
