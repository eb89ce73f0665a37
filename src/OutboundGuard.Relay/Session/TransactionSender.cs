using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Relay;

/// <summary>
/// Who a mail transaction sends as, as far as MAIL FROM could tell. On a shared platform's connector range the
/// tenant is only a candidate until the message's header block confirms it (<see cref="Unconfirmed"/>); a new
/// sender's account is then created at the end of data, never for a message that was refused.
/// </summary>
/// <param name="Address">The envelope sender.</param>
/// <param name="Account">The account resolved at MAIL FROM; null while it waits for the tenant's confirmation.</param>
/// <param name="Connector">The connector tenant of a session known by its client address; null for AUTH and certificates.</param>
/// <param name="Unconfirmed">Tenants of a shared platform one of which the message's platform tenant identifier must name; empty when none is needed.</param>
internal sealed record TransactionSender(string Address, AccountRecord? Account, ConnectorTenant? Connector, IReadOnlyList<ConnectorTenant> Unconfirmed)
{
    /// <summary>A sender whose account is known and needs no confirmation.</summary>
    public static TransactionSender Known(AccountRecord account, ConnectorTenant? connector = null) => new(account.Address, account, connector, []);
}
