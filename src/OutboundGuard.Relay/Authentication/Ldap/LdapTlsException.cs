namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// TLS to the directory could not be set up: StartTLS refused, the handshake failed, or the directory's certificate
/// did not pass the check. The message says which, in words, without secrets. Nothing was sent in clear text.
/// </summary>
public sealed class LdapTlsException(string message, Exception? inner = null) : Exception(message, inner);
