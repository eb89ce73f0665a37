using Microsoft.Extensions.Logging;

namespace OutboundGuard.Smtp;

/// <summary>Every log event of the SMTP server, with stable event ids (1000–1099). Never logs passwords.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Session {SessionId} started from {ClientIp} on {LocalEndPoint} ({ListenerMode})")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string clientIp, string localEndPoint, string listenerMode);

    [LoggerMessage(1001, LogLevel.Information, "Session {SessionId} from {ClientIp} ended: {Reason}; {Commands} commands, {Messages} messages accepted, {Errors} errors, TLS {Tls}, identity {Identity}, {DurationMs} ms")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string clientIp, string reason, int commands, int messages, int errors, bool tls, string identity, long durationMs);

    [LoggerMessage(1002, LogLevel.Warning, "Connection from {ClientIp} refused: {ConnectionsFromIp} connections from this IP, {Connections} in total")]
    public static partial void ConnectionRefused(ILogger logger, string clientIp, int connectionsFromIp, int connections);

    [LoggerMessage(1003, LogLevel.Debug, "C: {Line}")]
    public static partial void CommandReceived(ILogger logger, string line);

    [LoggerMessage(1004, LogLevel.Debug, "S: {Reply}")]
    public static partial void ReplySent(ILogger logger, string reply);

    [LoggerMessage(1005, LogLevel.Information, "Message from {ReversePath} to {RecipientCount} recipients, {Size} octets: {ReplyCode} {Reply}")]
    public static partial void MessageCompleted(ILogger logger, string reversePath, int recipientCount, long size, int replyCode, string reply);

    [LoggerMessage(1006, LogLevel.Information, "Message from {ReversePath} refused after end of data: {Reason}")]
    public static partial void MessageRefused(ILogger logger, string reversePath, string reason);

    // Debug: the session's summary (1001) names the identity, so an MTA or a flood reconnecting per message writes one line a session.
    [LoggerMessage(1007, LogLevel.Debug, "AUTH {Mechanism} succeeded for {UserName}")]
    public static partial void AuthSucceeded(ILogger logger, string mechanism, string userName);

    [LoggerMessage(1008, LogLevel.Information, "AUTH {Mechanism} failed for {UserName}")]
    public static partial void AuthFailed(ILogger logger, string mechanism, string userName);

    [LoggerMessage(1009, LogLevel.Warning, "AUTH refused for {UserName} from {ClientIp}: locked out after repeated failures")]
    public static partial void AuthLockedOut(ILogger logger, string userName, string clientIp);

    [LoggerMessage(1017, LogLevel.Warning, "AUTH refused for {Account}: {Sessions} sessions of this account are open already")]
    public static partial void AccountSessionsExceeded(ILogger logger, string account, int sessions);

    [LoggerMessage(1010, LogLevel.Debug, "TLS established: {Protocol} {CipherSuite}")]
    public static partial void TlsEstablished(ILogger logger, string protocol, string cipherSuite);

    [LoggerMessage(1011, LogLevel.Information, "TLS handshake failed: {Message}")]
    public static partial void TlsFailed(ILogger logger, string message);

    [LoggerMessage(1012, LogLevel.Error, "Unexpected error while handling {Verb}")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string verb);

    [LoggerMessage(1013, LogLevel.Information, "Protocol violation: {Violation}")]
    public static partial void ProtocolViolation(ILogger logger, string violation);

    [LoggerMessage(1014, LogLevel.Information, "Certificate loaded: {Subject}, valid until {NotAfter}")]
    public static partial void CertificateLoaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(1015, LogLevel.Warning, "Generated a self-signed development certificate for {Subject}; do not use in production")]
    public static partial void DevelopmentCertificateGenerated(ILogger logger, string subject);

    [LoggerMessage(1016, LogLevel.Debug, "Connection closed by the client")]
    public static partial void ConnectionClosedByClient(ILogger logger);

    [LoggerMessage(1030, LogLevel.Warning, "Connection from {ClientIp} refused: the listener accepts connections only from its trusted PROXY protocol load balancers")]
    public static partial void ProxyUntrusted(ILogger logger, string clientIp);

    [LoggerMessage(1031, LogLevel.Warning, "Connection from trusted proxy {ProxyIp} refused: {Why}")]
    public static partial void ProxyHeaderRefused(ILogger logger, string proxyIp, string why);

    [LoggerMessage(1032, LogLevel.Debug, "PROXY header from {ProxyIp}: client {ClientIp}:{ClientPort}")]
    public static partial void ProxyHeaderAccepted(ILogger logger, string proxyIp, string clientIp, int clientPort);
}
