using OutboundGuard.Admin.Complaints;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Relay;

/// <summary>
/// The SMTP door of the feedback-loop intake: a client in a configured source's networks may, without AUTH, send
/// reports to the relay's report address (<see cref="FeedbackLoopOptions.Address"/>) and to no other recipient;
/// the content goes to <see cref="ComplaintService"/>, never to the spool or the smarthost.
/// </summary>
internal sealed class FeedbackLoopDoor(FeedbackLoopOptions options, ComplaintService intake) : IFeedbackLoopDoor
{
    /// <summary>The session identity of a feedback-loop source, or null when the client is none (or the door is closed).</summary>
    public SmtpIdentity? Identify(SmtpSessionInfo session)
        => options.IsSourceAddress(session.RemoteEndPoint.Address) ? new SmtpIdentity(SmtpIdentityKind.FeedbackLoop, "", null) : null;

    /// <summary>Only the report address is a recipient on this door.</summary>
    public SmtpReply Recipient(SmtpRecipient recipient)
        => string.Equals(recipient.Address, options.Address, StringComparison.OrdinalIgnoreCase)
            ? SmtpReplies.RecipientOk
            : SmtpReplies.RelayDenied.WithText($"Feedback-loop sources may only send reports to {options.Address}");

    public IMessageSink Open(SmtpSessionInfo session) => new FeedbackLoopSink(intake, session);
}
