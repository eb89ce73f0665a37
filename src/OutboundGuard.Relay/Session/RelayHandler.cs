using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OutboundGuard.Cluster;
using Microsoft.Extensions.Options;
using OutboundGuard.Relay.Authentication;
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
    TenantAuthenticator authenticator,
    TenantRepository tenants,
    ConnectorRangeCache connectors,
    ClientCertificateRepository certificates,
    AccountGate gate,
    AccountStateCache cache,
    AuthVerificationCache verifications,
    TransactionAccounts transactions,
    MessageSinkFactory sinks,
    IFeedbackLoopDoor feedbackLoop,
    LoginWatch logins,
    RefusalBrake brake,
    TimeProvider time,
    IOptions<RelayOptions> options,
    ILogger<RelayHandler> logger) : ISmtpRelayHandler
{
    /// <summary>The tenants whose connector ranges hold each session's client, found once when it is identified.</summary>
    private readonly ConditionalWeakTable<SmtpSessionInfo, IReadOnlyList<ConnectorTenant>> _sessionTenants = new();

    public async ValueTask<SmtpIdentity?> IdentifyClientAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
    {
        // A registered client certificate names the tenant (and possibly the account) wherever the client connects from.
        if (session.ClientCertificateFingerprint is { } fingerprint
            && await certificates.FindAsync(fingerprint, cancellationToken) is { } registration)
        {
            return new SmtpIdentity(SmtpIdentityKind.Certificate, registration.Tenant, registration.Account);
        }

        // Asked again after STARTTLS (for a client certificate); the address and so its connector ranges are the same.
        if (!_sessionTenants.TryGetValue(session, out var tenants))
        {
            tenants = await connectors.FindAsync(session.RemoteEndPoint.Address, cancellationToken);
            _sessionTenants.AddOrUpdate(session, tenants);
        }

        if (tenants.Count == 0)
        {
            return feedbackLoop.Identify(session);
        }

        if (tenants is [{ SharedPlatform: false } only])
        {
            return new SmtpIdentity(SmtpIdentityKind.Connector, only.Domain, null);
        }

        // Several tenants or a shared platform: the address proves nothing, a verified certificate's name may.
        if (CertificateName(session) is { } name && tenants.Where(t => t.CertificateNames.Contains(name, StringComparer.Ordinal)).ToList() is [var named])
        {
            return new SmtpIdentity(SmtpIdentityKind.Connector, named.Domain, null);
        }

        return new SmtpIdentity(SmtpIdentityKind.SharedConnector, "", null);
    }

    public async ValueTask<SmtpIdentity?> AuthenticateAsync(SmtpSessionInfo session, string userName, string password, CancellationToken cancellationToken)
    {
        // The account from this node's cache (no query while the state listener runs), the outcome from a recent
        // identical AUTH when there is one: either way no Argon2id verification, whether the password is right or not.
        var found = await cache.FindAsync(userName, cancellationToken);
        var account = verifications.Find(userName, password, found?.PasswordHash, found?.Id) switch
        {
            true => found,
            false => null,
            null => await VerifyAsync(userName, password, found, cancellationToken),
        };
        if (account is null || account.CredentialResetRequired)
        {
            LogAuthFailed(logger, session.SessionId, account is null ? "bad credentials" : "credential reset required");
            if (account is null && found is not null)
            {
                logins.Failed(found.Id, session.RemoteEndPoint.Address);
            }

            return null;
        }

        // Behind a connector or shared platform (a webmail front end) the client network is the front end's: no news.
        var behindFrontEnd = _sessionTenants.TryGetValue(session, out var frontEnds) && frontEnds.Count > 0;
        await logins.SucceededAsync(account.Id, session.RemoteEndPoint.Address, behindFrontEnd, cancellationToken);

        return new SmtpIdentity(SmtpIdentityKind.Authenticated, account.Tenant, account.Address);
    }

    private async Task<AccountRecord?> VerifyAsync(string userName, string password, AccountRecord? found, CancellationToken cancellationToken)
    {
        // The tenant's source decides (local hash, Dovecot or LDAP); a directory's answers are remembered like local ones.
        var storedHash = found?.PasswordHash;
        var account = await VerifyPasswordAsync(userName, password, found, cancellationToken);
        verifications.Remember(userName, password, account?.PasswordHash ?? storedHash, found?.Id, account is not null);
        return account;
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

        if (identity.Kind is SmtpIdentityKind.Connector or SmtpIdentityKind.SharedConnector)
        {
            return await ConnectorMailFromAsync(session, identity, envelope, cancellationToken);
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
            // A certificate of the tenant without an account of its own: the account is the envelope sender.
            if (envelope.ReversePath.Length == 0 || !InTenant(envelope.ReversePath, identity.Tenant))
            {
                return SmtpReplies.RelayDenied.WithText($"Connector of tenant {identity.Tenant} may only send as addresses within it");
            }

            account = await cache.FindAsync(envelope.ReversePath, cancellationToken)
                ?? await accounts.EnsureConnectorAccountAsync(envelope.ReversePath, (await tenants.FindAsync(identity.Tenant, cancellationToken))!, cancellationToken);
        }

        return await AdmitAsync(session, envelope, TransactionSender.Known(account), cancellationToken);
    }

    /// <summary>
    /// A session known by its client address. One tenant's own range: the envelope sender must be within the tenant.
    /// Ranges of several tenants: the envelope domain picks among them. A shared platform's range: the envelope domain
    /// only picks candidates, and the message's platform tenant identifier must confirm one at the end of data.
    /// </summary>
    private async ValueTask<SmtpReply> ConnectorMailFromAsync(SmtpSessionInfo session, SmtpIdentity identity, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var here = _sessionTenants.TryGetValue(session, out var found) ? found : [];
        if (identity.Kind == SmtpIdentityKind.Connector)
        {
            var tenant = here.FirstOrDefault(t => t.Domain == identity.Tenant);
            if (tenant is null || envelope.ReversePath.Length == 0 || !tenant.Holds(DomainOf(envelope.ReversePath)))
            {
                return SmtpReplies.RelayDenied.WithText($"Connector of tenant {identity.Tenant} may only send as addresses within it");
            }

            return await AdmitAsync(session, envelope, await ConnectorSenderAsync(envelope.ReversePath, tenant, cancellationToken), cancellationToken);
        }

        if (envelope.ReversePath.Length == 0)
        {
            return SmtpReplies.RelayDenied.WithText("A shared connector relays only for a sender address within a registered tenant");
        }

        var domain = DomainOf(envelope.ReversePath);
        var holders = here.Where(t => t.Holds(domain)).ToList();
        if (holders.Count == 0)
        {
            return SmtpReplies.RelayDenied.WithText($"Sender domain {domain} is not a verified domain of a tenant on this connector: a connector may only send as addresses within its tenants' domains");
        }

        // A tenant's own range (not a shared platform's) holding the client is proof enough, as for a single tenant.
        if (holders.Where(t => !t.SharedPlatform).ToList() is [var own])
        {
            return await AdmitAsync(session, envelope, await ConnectorSenderAsync(envelope.ReversePath, own, cancellationToken), cancellationToken);
        }

        var confirmable = holders.Where(t => t.SharedPlatform && t.HeaderNames.Length > 0).ToList();
        if (confirmable.Count == 0)
        {
            LogSharedRefused(logger, session.SessionId, domain, "no platform tenant identifier registered");
            return SmtpReplies.RelayDenied.WithText($"Tenant of {domain} has registered no platform tenant identifier for this shared connector");
        }

        var account = await cache.FindAsync(envelope.ReversePath, cancellationToken);
        if (account is not null)
        {
            confirmable = confirmable.Where(t => t.Domain == account.Tenant).ToList();
            if (confirmable.Count == 0)
            {
                return SmtpReplies.RelayDenied.WithText($"Sender {envelope.ReversePath} is not within a tenant on this connector");
            }
        }

        return await AdmitAsync(session, envelope, new TransactionSender(envelope.ReversePath, account, null, confirmable), cancellationToken);
    }

    /// <summary>
    /// The gate's word on a known account, a refusal answered after the brake's delay when the account keeps reconnecting;
    /// then the transaction remembers its sender.
    /// </summary>
    private async ValueTask<SmtpReply> AdmitAsync(SmtpSessionInfo session, SmtpEnvelope envelope, TransactionSender sender, CancellationToken cancellationToken)
    {
        if (sender.Account is { } account && await gate.CheckAsync(account, cancellationToken) is { } refusal)
        {
            // Only a session that is the account's own (AUTH, or a certificate naming it): a connector's session carries
            // other accounts' mail too, which must never wait for this one.
            if (session.Identity?.Account is not null && brake.Refused(session, account.Id) is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken);
            }

            return refusal;
        }

        transactions.Set(envelope, sender);
        return SmtpReplies.SenderOk;
    }

    /// <summary>
    /// The sender of a connector's transaction: its account, created in the connector's tenant on first sight; when
    /// <see cref="RelayOptions.ConnectorAccountHeader"/> may name another account, a new one waits for the end of data.
    /// </summary>
    private async Task<TransactionSender> ConnectorSenderAsync(string address, ConnectorTenant tenant, CancellationToken cancellationToken)
    {
        var account = await cache.FindAsync(address, cancellationToken);
        if (account is null && string.IsNullOrWhiteSpace(options.Value.ConnectorAccountHeader))
        {
            account = await accounts.EnsureConnectorAccountAsync(address, new Tenant { Id = tenant.Id, Domain = tenant.Domain }, cancellationToken);
        }

        return new TransactionSender(address, account, tenant, []);
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

        var sender = transactions.Get(envelope) ?? throw new InvalidOperationException("DATA without a sender resolved at MAIL FROM.");
        return await sinks.CreateAsync(session, envelope, sender, cancellationToken);
    }

    private static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..].TrimEnd('.');

    private static bool InTenant(string address, string tenant)
    {
        var domain = DomainOf(address);
        return domain.Equals(tenant, StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith("." + tenant, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The lower-cased common name of the client certificate's subject, known only when its chain validated.</summary>
    private static string? CertificateName(SmtpSessionInfo session)
    {
        if (session.ClientCertificateSubject is not { } subject)
        {
            return null;
        }

        var name = new X500DistinguishedName(subject).EnumerateRelativeDistinguishedNames()
            .FirstOrDefault(n => n.GetSingleElementType().Value == "2.5.4.3")?.GetSingleElementValue();
        return name?.Trim().TrimEnd('.').ToLowerInvariant();
    }

    [LoggerMessage(1102, LogLevel.Information, "Shared connector refused sender domain {Domain} in session {SessionId}: {Why}")]
    private static partial void LogSharedRefused(ILogger logger, string sessionId, string domain, string why);

    [LoggerMessage(1101, LogLevel.Information, "AUTH refused in session {SessionId}: {Why}")]
    private static partial void LogAuthFailed(ILogger logger, string sessionId, string why);
}
