using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>What every session shares: the relay hand-off, options, certificate, AUTH throttle, clock and logger.</summary>
internal sealed record SmtpServerContext(
    ISmtpRelayHandler Relay,
    SmtpOptions Options,
    SmtpCertificateLoader Certificates,
    AuthThrottle Throttle,
    TimeProvider Time,
    ILogger Logger);
