using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>What every session shares: the relay hand-off, options, certificate, client-certificate trust, AUTH throttle, connection limits, refused addresses' budget, clock and logger.</summary>
internal sealed record SmtpServerContext(
    ISmtpRelayHandler Relay,
    SmtpOptions Options,
    SmtpCertificateLoader Certificates,
    ClientCertificateTrust ClientTrust,
    AuthThrottle Throttle,
    SmtpConnectionLimiter Limiter,
    RefusedAddressBudget RefusedAddresses,
    TimeProvider Time,
    ILogger Logger)
{
    private readonly Lazy<SslServerAuthenticationOptions?> _tlsOptions = new(() => CreateTlsOptions(Certificates, Options));

    /// <summary>
    /// The server side of every TLS handshake, built at the first one and shared (the runtime copies it per handshake):
    /// the certificate's context, so OpenSSL's session cache and ticket keys are one for the process too. Null when
    /// there is no certificate. Each session learns its client certificate through its stream's own callback.
    /// </summary>
    public SslServerAuthenticationOptions? TlsOptions => _tlsOptions.Value;

    private static SslServerAuthenticationOptions? CreateTlsOptions(SmtpCertificateLoader certificates, SmtpOptions options)
        => certificates.Context is { } certificate
            ? new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate,
                AllowTlsResume = options.TlsSessionResumption,
                // Ask for a certificate (clients without one carry on): connectors may be known by it.
                ClientCertificateRequired = options.RequestClientCertificate,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }
            : null;
}
