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
    ILogger Logger);
