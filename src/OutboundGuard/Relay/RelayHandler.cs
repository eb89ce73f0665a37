using Microsoft.Extensions.Logging;
using OutboundGuard.Cluster;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Relay;

/// <summary>
/// The session side of the relay: who is sending (AUTH or connector), whether that account may send now,
/// and where the content goes (<see cref="SpoolingMessageSink"/>).
/// </summary>
internal sealed partial class RelayHandler(
    AccountRepository accounts,
    TenantRepository tenants,
    ClientCertificateRepository certificates,
    AccountGate gate,
    AccountStateCache cache,
    TransactionAccounts transactions,
    MessageSinkFactory sinks,
    FeedbackLoopDoor feedbackLoop,
    IOptions<RelayOptions> options,
    ILogger<RelayHandler> logger) : ISmtpRelayHandler
{
    public async ValueTask<SmtpIdentity?> IdentifyClientAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
    {
        // A registered client certificate names the tenant (and possibly the account) wherever the client connects from.
        if (session.ClientCertificateFingerprint is { } fingerprint
            && await certificates.FindAsync(fingerprint, cancellationToken) is { } registration)
        {
            return new SmtpIdentity(SmtpIdentityKind.Certificate, registration.Tenant, registration.Account);
        }

        var tenant = await tenants.FindByClientAddressAsync(session.RemoteEndPoint.Address, cancellationToken);
        return tenant is null ? feedbackLoop.Identify(session) : new SmtpIdentity(SmtpIdentityKind.Connector, tenant.Domain, null);
    }

    public async ValueTask<SmtpIdentity?> AuthenticateAsync(SmtpSessionInfo session, string userName, string password, CancellationToken cancellationToken)
    {
        var account = await accounts.VerifyPasswordAsync(userName, password, cancellationToken);
        if (account is null || account.CredentialResetRequired)
        {
            LogAuthFailed(logger, session.SessionId, account is null ? "bad credentials" : "credential reset required");
            return null;
        }

        return new SmtpIdentity(SmtpIdentityKind.Authenticated, account.Tenant, account.Address);
    }

    public async ValueTask<SmtpReply> MailFromAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var identity = session.Identity;
        if (identity is null)
        {
            return SmtpReplies.RelayDenied;
        }

        if (identity.Kind == SmtpIdentityKind.FeedbackLoop)
        {
            return SmtpReplies.SenderOk;
        }

        AccountRecord? account;
        if (identity.Account is not null)
        {
            account = await cache.FindAsync(identity.Account, cancellationToken);
            if (account is null)
            {
                return SmtpReplies.AuthRequired.WithText("The authenticated account no longer exists");
            }

            if (options.Value.RequireSenderInTenant && envelope.ReversePath.Length > 0 && !InTenant(envelope.ReversePath, account.Tenant))
            {
                return SmtpReplies.RelayDenied.WithText($"Sender {envelope.ReversePath} is not within tenant {account.Tenant}");
            }
        }
        else
        {
            // Connector mode: one server relays for all its users; the account is the envelope sender.
            if (envelope.ReversePath.Length == 0 || !InTenant(envelope.ReversePath, identity.Tenant))
            {
                return SmtpReplies.RelayDenied.WithText($"Connector of tenant {identity.Tenant} may only send as addresses within it");
            }

            account = await cache.FindAsync(envelope.ReversePath, cancellationToken);
            if (account is null)
            {
                // First sight of this sender: it becomes an account of the connector's tenant.
                var tenant = await tenants.FindAsync(identity.Tenant, cancellationToken);
                account = await accounts.EnsureConnectorAccountAsync(envelope.ReversePath, tenant!, cancellationToken);
            }
        }

        if (await gate.CheckAsync(account, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        transactions.Set(envelope, account);
        return SmtpReplies.SenderOk;
    }

    public ValueTask<SmtpReply> RcptToAsync(SmtpSessionInfo session, SmtpEnvelope envelope, SmtpRecipient recipient, CancellationToken cancellationToken)
        => ValueTask.FromResult(session.Identity?.Kind == SmtpIdentityKind.FeedbackLoop ? feedbackLoop.Recipient(recipient)
            : transactions.Get(envelope) is null ? SmtpReplies.BadSequence : SmtpReplies.RecipientOk);

    public async ValueTask<IMessageSink> OpenMessageAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (session.Identity?.Kind == SmtpIdentityKind.FeedbackLoop)
        {
            return feedbackLoop.Open(session);
        }

        var account = transactions.Get(envelope) ?? throw new InvalidOperationException("DATA without an account resolved at MAIL FROM.");
        return await sinks.CreateAsync(session, envelope, account, cancellationToken);
    }

    private static bool InTenant(string address, string tenant)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..].TrimEnd('.');
        return domain.Equals(tenant, StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith("." + tenant, StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(1101, LogLevel.Information, "AUTH refused in session {SessionId}: {Why}")]
    private static partial void LogAuthFailed(ILogger logger, string sessionId, string why);
}
