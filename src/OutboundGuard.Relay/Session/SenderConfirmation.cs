using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using OutboundGuard.Cluster;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Relay;

/// <summary>
/// Settles at the end of data what only the header block can tell: on a shared platform's connector, which tenant
/// sent the message (its registered platform tenant identifier); behind a connector, which account
/// (<see cref="RelayOptions.ConnectorAccountHeader"/>). Nothing is stored for a message refused here.
/// </summary>
internal sealed partial class SenderConfirmation(
    AccountRepository accounts,
    AccountStateCache cache,
    AccountGate gate,
    IOptions<RelayOptions> options,
    ILogger<SenderConfirmation> logger)
{
    /// <summary>The filter for one message: it keeps the header fields this sender's confirmation reads and strips the account header.</summary>
    public HeaderFieldFilter FilterFor(TransactionSender sender)
    {
        var accountHeader = AccountHeader;
        var capture = sender.Unconfirmed.SelectMany(t => t.HeaderNames).ToList();
        if (accountHeader is not null && (sender.Connector is not null || sender.Unconfirmed.Count > 0))
        {
            capture.Add(accountHeader);
        }

        // Stripped from every message, so no next hop ever sees a value that was not checked here.
        return new HeaderFieldFilter(capture, accountHeader is null ? [] : [accountHeader]);
    }

    /// <summary>The account the message is sent by, or the refusal to reply at the end of data.</summary>
    public async Task<(AccountRecord? Account, SmtpReply? Refusal)> ResolveAsync(SmtpSessionInfo session, TransactionSender sender, HeaderFieldFilter headers, CancellationToken cancellationToken)
    {
        var connector = sender.Connector;
        var account = sender.Account;
        if (sender.Unconfirmed.Count > 0)
        {
            connector = sender.Unconfirmed.Where(t => Confirms(t, headers)).ToList() is [var confirmed] ? confirmed : null;
            if (connector is null)
            {
                LogUnconfirmed(logger, session.SessionId, sender.Address);
                return (null, SmtpReplies.RelayDenied.WithText($"Sender {sender.Address} is not confirmed as a customer of its tenant on this shared platform"));
            }
        }

        var named = connector is not null && AccountHeader is { } name ? headers.Values(name) : [];
        var address = sender.Address;
        if (named.Count > 0)
        {
            if (named.Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1 || !MailboxAddress.TryParse(named[0], out var mailbox)
                || mailbox.Address.LastIndexOf('@') <= 0 || !connector!.Holds(mailbox.Address[(mailbox.Address.LastIndexOf('@') + 1)..]))
            {
                return (null, SmtpReplies.RelayDenied.WithText($"The account header does not name one address within tenant {connector!.Domain}"));
            }

            address = mailbox.Address;
        }

        if (account is not null && string.Equals(account.Address, address, StringComparison.OrdinalIgnoreCase))
        {
            return (account, null);
        }

        account = await cache.FindAsync(address, cancellationToken)
            ?? await accounts.EnsureConnectorAccountAsync(address, new Tenant { Id = connector!.Id, Domain = connector.Domain }, cancellationToken);
        if (!string.Equals(account.Tenant, connector!.Domain, StringComparison.OrdinalIgnoreCase))
        {
            return (null, SmtpReplies.RelayDenied.WithText($"Sender {address} is not within tenant {connector.Domain}"));
        }

        return await gate.CheckAsync(account, cancellationToken) is { } refusal ? (null, refusal) : (account, null);
    }

    private string? AccountHeader => string.IsNullOrWhiteSpace(options.Value.ConnectorAccountHeader) ? null : options.Value.ConnectorAccountHeader.Trim();

    /// <summary>
    /// True when the message carries one of the tenant's registered identifiers, and every copy of that header field
    /// names it: a second, different value (added by the sender before the platform stamped its own) confirms nothing.
    /// </summary>
    private static bool Confirms(ConnectorTenant tenant, HeaderFieldFilter headers)
    {
        for (var i = 0; i < tenant.HeaderNames.Length; i++)
        {
            var values = headers.Values(tenant.HeaderNames[i]);
            if (values.Count > 0 && values.All(v => string.Equals(v, tenant.HeaderValues[i], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(1103, LogLevel.Information, "Shared connector message of {Sender} refused in session {SessionId}: no registered platform tenant identifier confirms its tenant")]
    private static partial void LogUnconfirmed(ILogger logger, string sessionId, string sender);
}
