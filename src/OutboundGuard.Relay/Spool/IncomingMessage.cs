using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// A message whose content is in the spool (fsynced, or written and made durable with its row's group when the spool
/// syncs as a group: <see cref="SpoolSyncEpoch"/>) and whose fate is being decided.
/// </summary>
internal sealed record IncomingMessage(
    Guid Id,
    string SpoolPath,
    long SizeOctets,
    SmtpSessionInfo Session,
    SmtpEnvelope Envelope,
    AccountRecord Account,
    long SpoolSyncEpoch = 0);
