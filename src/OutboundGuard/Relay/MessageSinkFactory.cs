using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>Opens a spool file for each incoming message and wires it to the scoring and action stages.</summary>
internal sealed class MessageSinkFactory(FileSpool spool, MessageScorer scorer, ActionDispatcher dispatcher)
{
    public SpoolingMessageSink Create(SmtpSessionInfo session, SmtpEnvelope envelope, AccountRecord account)
    {
        var id = Guid.CreateVersion7();
        return new SpoolingMessageSink(id, spool.Create(id), session, envelope, account, scorer, dispatcher);
    }
}
