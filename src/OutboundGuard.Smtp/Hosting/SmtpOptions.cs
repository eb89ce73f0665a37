namespace OutboundGuard.Smtp.Hosting;

/// <summary>Settings of the SMTP server, bound from the configuration section <see cref="SectionName"/>.</summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OutboundGuard:Smtp";

    /// <summary>Name announced in the greeting and EHLO reply, and the development certificate's CN. Defaults to the machine name.</summary>
    public string ServerName { get; set; } = Environment.MachineName;

    /// <summary>The endpoints to listen on. Defaults to none: the host must configure at least one.</summary>
    public List<SmtpListenerOptions> Listeners { get; set; } = [];

    /// <summary>Path of the PEM certificate (chain) used for STARTTLS and implicit TLS, or null for none.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Path of the PEM private key for <see cref="CertificatePath"/>; null when the certificate file holds the key.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>When true and no certificate path is set, a self-signed certificate for <see cref="ServerName"/> is generated at start. Development only.</summary>
    public bool DevelopmentCertificate { get; set; }

    /// <summary>
    /// Let TLS clients resume an earlier session (TLS 1.3 session tickets, TLS 1.2 session ids and tickets) instead of
    /// a full handshake with the certificate's signature and a key exchange: an MTA that opens a connection per message
    /// (Postfix with its TLS session cache, the bench client) then pays the full handshake once per few minutes instead
    /// of per message. The ticket keys live in this process only (a restart or another node means one full handshake).
    /// A resumed session keeps its client certificate. Defaults to true.
    /// </summary>
    public bool TlsSessionResumption { get; set; } = true;

    /// <summary>When true, AUTH is offered and accepted before TLS. Defaults to false: passwords never cross the network in clear text.</summary>
    public bool AllowAuthWithoutTls { get; set; }

    /// <summary>
    /// Ask TLS clients for a certificate (they may send none). A registered certificate fingerprint
    /// identifies a connector without AUTH (<c>outboundguard tenants add DOMAIN --client-cert FILE</c>).
    /// Defaults to true.
    /// </summary>
    public bool RequestClientCertificate { get; set; } = true;

    /// <summary>
    /// Path of a PEM bundle of certificate authorities trusted for client certificates besides the system trust store
    /// (a provider's private CA that issues its connectors' certificates). Only a certificate whose chain is valid
    /// (system store or these authorities, valid now, allowed for client authentication) makes its subject name known,
    /// which on a shared-platform or overlapping connector range may select the tenant that registered the name
    /// (<c>tenants add DOMAIN --cert-name NAME</c>). Registered fingerprints need no chain. Defaults to none.
    /// </summary>
    public string? ClientCertificateAuthoritiesPath { get; set; }

    /// <summary>
    /// Networks (CIDR, e.g. "10.0.0.5/32", "fd00::/64"; a bare address means that address) of the load
    /// balancers allowed to send a PROXY protocol header on listeners with
    /// <see cref="SmtpListenerOptions.ProxyProtocol"/> set. Defaults to none.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How long a trusted proxy may take to send its PROXY header after connecting. Defaults to 5 s.</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Protocol limits and timeouts.</summary>
    public SmtpLimits Limits { get; set; } = new();
}
