using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>A message whose content is in the spool (fsynced) and whose fate is being decided.</summary>
internal sealed record IncomingMessage(
    Guid Id,
    string SpoolPath,
    long SizeOctets,
    SmtpSessionInfo Session,
    SmtpEnvelope Envelope,
    AccountRecord Account);
