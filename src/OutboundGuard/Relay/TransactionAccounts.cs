using System.Runtime.CompilerServices;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>The account each open mail transaction was resolved to at MAIL FROM, kept until the envelope is gone.</summary>
internal sealed class TransactionAccounts
{
    private readonly ConditionalWeakTable<SmtpEnvelope, AccountRecord> _accounts = new();

    public void Set(SmtpEnvelope envelope, AccountRecord account) => _accounts.AddOrUpdate(envelope, account);

    public AccountRecord? Get(SmtpEnvelope envelope) => _accounts.TryGetValue(envelope, out var account) ? account : null;
}
