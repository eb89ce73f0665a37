using System.Runtime.CompilerServices;
using OutboundGuard.Smtp.Handoff;

namespace OutboundGuard.Relay;

/// <summary>The sender each open mail transaction was resolved to at MAIL FROM, kept until the envelope is gone.</summary>
internal sealed class TransactionAccounts
{
    private readonly ConditionalWeakTable<SmtpEnvelope, TransactionSender> _senders = new();

    public void Set(SmtpEnvelope envelope, TransactionSender sender) => _senders.AddOrUpdate(envelope, sender);

    public TransactionSender? Get(SmtpEnvelope envelope) => _senders.TryGetValue(envelope, out var sender) ? sender : null;
}
