using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Relay;

/// <summary>
/// The SMTP door of the complaint feedback-loop intake, which the admin side implements: a configured source's
/// client may send reports to the report address only, and its content goes to the intake, never to the spool.
/// </summary>
internal interface IFeedbackLoopDoor
{
    /// <summary>The session identity of a feedback-loop source, or null when the client is none (or the door is closed).</summary>
    SmtpIdentity? Identify(SmtpSessionInfo session);

    /// <summary>Whether <paramref name="recipient"/> is the report address (the only recipient on this door).</summary>
    SmtpReply Recipient(SmtpRecipient recipient);

    /// <summary>The sink that hands one report to the intake.</summary>
    IMessageSink Open(SmtpSessionInfo session);
}
