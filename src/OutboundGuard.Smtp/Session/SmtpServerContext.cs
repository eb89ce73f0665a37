using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>What every session shares: the relay hand-off, options, certificate, AUTH throttle, connection limits, clock and logger.</summary>
internal sealed record SmtpServerContext(
    ISmtpRelayHandler Relay,
    SmtpOptions Options,
    SmtpCertificateLoader Certificates,
    AuthThrottle Throttle,
    SmtpConnectionLimiter Limiter,
    TimeProvider Time,
    ILogger Logger);
