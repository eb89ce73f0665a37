using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Handoff;

/// <summary>
/// The one hand-off between the SMTP layer and the rest of the relay. The SMTP layer owns the
/// protocol; everything that knows about accounts, storage and scoring sits behind this interface.
/// Every method returns the reply to send; none throws for client mistakes.
/// </summary>
/// <remarks>
/// Plaintext sessions run on the socket's I/O thread (see docs/smtp.md, Performance), so a handler must not block
/// the thread it is called on: I/O is awaited, never waited for. <see cref="MailFromAsync"/>,
/// <see cref="RcptToAsync"/> and <see cref="IMessageSink.WriteAsync"/> are called there directly. The calls that may
/// well block or compute at length (identify, authenticate, open and complete a message: files, fsync, scoring) are
/// made from a pool thread instead, unless the handler declares <see cref="NeverBlocks"/>.
/// </remarks>
public interface ISmtpRelayHandler
{
    /// <summary>
    /// True when no call of this handler or of its sinks ever blocks or computes at length, so that the session can
    /// call all of them from the socket's I/O thread without first moving to a pool thread. False by default.
    /// </summary>
    bool NeverBlocks => false;

    /// <summary>
    /// Called when the session starts and again after TLS is established: maps the client IP (connector
    /// mode) or its certificate subject to an identity, or returns null when the client is unknown.
    /// </summary>
    ValueTask<SmtpIdentity?> IdentifyClientAsync(SmtpSessionInfo session, CancellationToken cancellationToken);

    /// <summary>Checks SMTP AUTH credentials. Returns the identity on success, or null when they are wrong.</summary>
    /// <exception cref="AuthenticationUnavailableException">The credential store cannot be asked now: 454 4.7.0.</exception>
    ValueTask<SmtpIdentity?> AuthenticateAsync(SmtpSessionInfo session, string userName, string password, CancellationToken cancellationToken);

    /// <summary>Decides on MAIL FROM, e.g. refuses a suspended or throttled account early.</summary>
    ValueTask<SmtpReply> MailFromAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Decides on one RCPT TO.</summary>
    ValueTask<SmtpReply> RcptToAsync(SmtpSessionInfo session, SmtpEnvelope envelope, SmtpRecipient recipient, CancellationToken cancellationToken);

    /// <summary>Opens the spool entry that the message content is streamed into.</summary>
    ValueTask<IMessageSink> OpenMessageAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken);
}
