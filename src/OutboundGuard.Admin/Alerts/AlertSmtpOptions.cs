namespace OutboundGuard.Admin.Alerts;

/// <summary>An SMTP server for alert e-mails (same keys as the delivery smarthost).</summary>
public sealed class AlertSmtpOptions
{
    /// <summary>Host name or IP address; empty means "use the delivery smarthost".</summary>
    public string? Host { get; set; }

    /// <summary>TCP port. Defaults to 25.</summary>
    public int Port { get; set; } = 25;

    /// <summary>None, StartTls, StartTlsWhenAvailable (default) or Implicit.</summary>
    public string Tls { get; set; } = "StartTlsWhenAvailable";

    /// <summary>Login name for SMTP AUTH, or null.</summary>
    public string? Username { get; set; }

    /// <summary>Password for SMTP AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Accept any certificate; for a loopback server only. Defaults to false.</summary>
    public bool AcceptSelfSignedCertificate { get; set; }
}
