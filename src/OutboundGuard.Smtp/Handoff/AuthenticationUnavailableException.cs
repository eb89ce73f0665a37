namespace OutboundGuard.Smtp.Handoff;

/// <summary>
/// Thrown by <see cref="ISmtpRelayHandler.AuthenticateAsync"/> when the credentials cannot be checked now (the
/// tenant's directory is down or slow): the client gets 454 4.7.0 and nothing is accepted (RFC 4954 §6).
/// </summary>
public sealed class AuthenticationUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
