namespace OutboundGuard.Smtp.Protocol;

/// <summary>
/// Every reply the server sends, named by meaning. The texts are what mail admins will see in their
/// queue logs, so each says what happened and, where it helps, what to do.
/// </summary>
public static class SmtpReplies
{
    public static readonly SmtpReply Ok = new(250, "2.0.0", "OK");
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender OK");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient OK");
    public static readonly SmtpReply Queued = new(250, "2.0.0", "Queued");
    public static readonly SmtpReply ResetOk = new(250, "2.0.0", "Reset state");
    public static readonly SmtpReply NoopOk = new(250, "2.0.0", "OK");
    public static readonly SmtpReply CannotVerify = new(252, "2.1.5", "Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly SmtpReply Help = new(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
    public static readonly SmtpReply StartData = new(354, "", "Start mail input; end with <CRLF>.<CRLF>");
    public static readonly SmtpReply ReadyToStartTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply Closing = new(221, "2.0.0", "Bye");

    public static readonly SmtpReply ShuttingDown = new(421, "4.3.2", "Service shutting down, try again later");
    public static readonly SmtpReply IdleTimeout = new(421, "4.4.2", "Idle timeout, closing connection");
    public static readonly SmtpReply CommandTooSlow = new(421, "4.4.2", "Command line not completed in time, closing connection");
    public static readonly SmtpReply DataTooSlow = new(421, "4.4.2", "Message data arriving too slowly, closing connection");
    public static readonly SmtpReply TooManyErrors = new(421, "4.7.0", "Too many errors, closing connection");
    public static readonly SmtpReply TooManyConnections = new(421, "4.7.0", "Too many connections, try again later");

    /// <summary>At connect, to an address whose recent sessions were all refused and that used its budget of new ones.</summary>
    public static readonly SmtpReply RefusedAddress = new(421, "4.7.0", "Too many refused sessions from this address, try again later");
    public static readonly SmtpReply AccountSuspendedClosing = new(421, "4.7.1", "Sending account suspended; closing connection");
    public static readonly SmtpReply LocalError = new(451, "4.3.0", "Local error in processing, try again later");
    public static readonly SmtpReply StorageUnavailable = new(451, "4.3.0", "Message storage unavailable, try again later");
    public static readonly SmtpReply Throttled = new(451, "4.7.1", "Sending rate limit exceeded, try again later");
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");
    public static readonly SmtpReply TooManyAccountSessions = new(454, "4.7.0", "Too many sessions for this account, try again later");

    public static readonly SmtpReply AuthTemporarilyLocked = new(454, "4.7.0", "Too many authentication failures, try again later");
    public static readonly SmtpReply TlsNotAvailable = new(454, "4.7.0", "TLS not available");
    public static readonly SmtpReply AuthTemporaryFailure = new(454, "4.7.0", "Temporary authentication failure");

    public static readonly SmtpReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpReply CommandUnrecognized = new(500, "5.5.2", "Command not recognized");
    public static readonly SmtpReply SyntaxError = new(501, "5.5.4", "Syntax error in parameters or arguments");
    public static readonly SmtpReply CommandNotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply BadSequence = new(503, "5.5.1", "Bad sequence of commands");
    public static readonly SmtpReply ParameterNotImplemented = new(504, "5.5.4", "Command parameter not implemented");
    public static readonly SmtpReply AuthRequired = new(530, "5.7.0", "Authentication required");
    public static readonly SmtpReply MustIssueStartTls = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpReply RelayDenied = new(550, "5.7.1", "Relaying denied: authenticate or connect from a registered connector");
    public static readonly SmtpReply Suspended = new(550, "5.7.1", "Sending account suspended for suspected abuse; contact your administrator");
    public static readonly SmtpReply MessageRejected = new(550, "5.7.1", "Message rejected as suspected spam");
    public static readonly SmtpReply TooBig = new(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static readonly SmtpReply BadSenderSyntax = new(553, "5.1.7", "Bad sender address syntax");
    public static readonly SmtpReply BadRecipientSyntax = new(553, "5.1.3", "Bad recipient address syntax");
    public static readonly SmtpReply ParameterNotRecognized = new(555, "5.5.4", "MAIL FROM/RCPT TO parameter not recognized or not implemented");
    public static readonly SmtpReply UnauthorisedPipelining = new(554, "5.5.0", "Protocol error: client sent data before the greeting or ahead of a reply");
    public static readonly SmtpReply NulInData = new(550, "5.6.0", "NUL octet in message content; encode binary content");
    public static readonly SmtpReply TextLineTooLong = new(500, "5.5.2", "Message text line longer than allowed; wrap lines or use an encoding");
    public static readonly SmtpReply ServiceReady = new(220, "", "ESMTP ready");
    public static readonly SmtpReply AuthCancelled = new(501, "5.0.0", "Authentication cancelled");
    public static readonly SmtpReply AuthMechanismUnsupported = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly SmtpReply AuthInvalidBase64 = new(501, "5.5.2", "Cannot decode base64 response");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply AuthNotAvailable = new(503, "5.5.1", "AUTH not available on this connection; use STARTTLS first");
    public static readonly SmtpReply DataMixedWithBdat = new(503, "5.5.1", "DATA cannot follow BDAT in the same transaction");
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpReply Timeout = new(451, "4.4.2", "Timeout while processing the message, try again later");
    public static readonly SmtpReply BareLineEnding = new(550, "5.6.11", "Bare CR or LF in message; use CRLF line endings");
}
