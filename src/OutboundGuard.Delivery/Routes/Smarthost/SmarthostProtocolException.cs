namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>The smarthost sent something that is no SMTP reply, or one beyond the client's bounds.</summary>
internal sealed class SmarthostProtocolException(string message) : Exception(message);
