namespace OutboundGuard.Delivery;

/// <summary>One next hop: the SMTP server that takes relayed mail onwards.</summary>
public sealed class SmarthostOptions
{
    /// <summary>Host name or IP address. Required.</summary>
    public string Host { get; set; } = "";

    /// <summary>TCP port. Defaults to 25 (587 is common with <see cref="SmtpTlsMode.StartTls"/> and a login, 465 with <see cref="SmtpTlsMode.Implicit"/>).</summary>
    public int Port { get; set; } = 25;

    /// <summary>Defaults to <see cref="SmtpTlsMode.StartTlsWhenAvailable"/>.</summary>
    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.StartTlsWhenAvailable;

    /// <summary>Login name for SMTP AUTH, or null for none.</summary>
    public string? Username { get; set; }

    /// <summary>Password for SMTP AUTH; required with <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Accept any server certificate (self-signed, wrong name). Only allowed for a loopback host
    /// (localhost, 127.0.0.0/8, ::1), for tests and a smarthost on the same machine. Defaults to false.
    /// </summary>
    public bool AcceptSelfSignedCertificate { get; set; }

    /// <summary>Most simultaneous connections to this smarthost. Defaults to 4.</summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>Messages sent over one connection before it is closed and a new one opened. Defaults to 100.</summary>
    public int MaxMessagesPerConnection { get; set; } = 100;

    /// <summary>An idle connection kept open longer than this is closed. Defaults to 30 s (servers drop idle clients after 5 min, RFC 5321 §4.5.3.2.7).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of each SMTP read or write. Defaults to 2 min; RFC 5321 §4.5.3.2 allows the server up to 10 min after DATA.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
