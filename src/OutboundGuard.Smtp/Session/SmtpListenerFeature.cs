using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>Carries the listener's mode from the Kestrel endpoint to the connection handler.</summary>
internal sealed record SmtpListenerFeature(SmtpListenerMode Mode, ProxyProtocolMode ProxyProtocol = ProxyProtocolMode.Off);
