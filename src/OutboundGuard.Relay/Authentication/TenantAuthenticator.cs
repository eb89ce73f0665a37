using Microsoft.Extensions.Logging;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>
/// AUTH against the login's tenant's source: the local password hashes, or the tenant's Dovecot or LDAP directory.
/// An account the directory accepts and the relay has not seen yet is created on the spot, aged by the directory's
/// <c>createTimestamp</c> or the tenant's "established since" date; an existing account is returned as it is, so its
/// state (suspended, reset required) still applies. A removed account is not created again by its next AUTH.
/// </summary>
public sealed partial class TenantAuthenticator(
    TenantAuthSourceRepository sources,
    DirectoryAccountRepository directoryAccounts,
    IEnumerable<IPasswordVerifier> verifiers,
    TimeProvider time,
    ILogger<TenantAuthenticator> logger)
{
    private readonly Dictionary<AuthSourceKind, IPasswordVerifier> _verifiers = verifiers.ToDictionary(v => v.Kind);

    /// <summary>The account when the password is right; null for a wrong password or an unknown user alike.</summary>
    /// <param name="userName">The login as the client gave it.</param>
    /// <param name="password">The password as the client gave it.</param>
    /// <param name="known">The login's account as the caller already read it, null when there is none; the local source checks its hash.</param>
    /// <param name="cancellationToken">Ends the check.</param>
    /// <exception cref="DirectoryUnavailableException">The tenant's directory could not be asked; nothing is decided.</exception>
    public async Task<AccountRecord?> AuthenticateAsync(string userName, string password, AccountRecord? known, CancellationToken cancellationToken)
    {
        var login = await sources.FindForLoginAsync(userName, cancellationToken);
        var source = login?.Source ?? TenantAuthSource.Local;
        var check = await _verifiers[source.Kind].VerifyAsync(source, userName, password, known, cancellationToken);
        switch (check.Outcome)
        {
            case PasswordCheckOutcome.Unavailable:
                LogUnavailable(logger, login!.Tenant, TenantAuthSource.ToText(source.Kind), check.Problem ?? "unknown");
                throw new DirectoryUnavailableException(login.Tenant, check.Problem ?? "unknown");
            case PasswordCheckOutcome.Rejected:
                return null;
        }

        // The local source returns the account it verified; a directory vouches for a login, whose account the caller
        // has already read when it exists: it is not read again.
        if ((check.Account ?? known) is { } account)
        {
            return account;
        }

        try
        {
            var created = await directoryAccounts.EnsureAsync(userName, login!, check.DirectoryCreatedAt ?? source.EstablishedSince ?? time.GetUtcNow(), cancellationToken);
            if (created is null)
            {
                LogRemovedRefused(logger, login!.Tenant);
            }

            return created;
        }
        catch (ArgumentException)
        {
            // The directory knows a login that is no mailbox address: it cannot be an account here.
            return null;
        }
    }

    [LoggerMessage(1402, LogLevel.Information, "The directory of tenant {Tenant} accepted a login whose account was removed; refused until an admin adds the account again")]
    private static partial void LogRemovedRefused(ILogger logger, string tenant);

    [LoggerMessage(1401, LogLevel.Warning, "The {Source} authentication source of tenant {Tenant} is unavailable: {Problem}")]
    private static partial void LogUnavailable(ILogger logger, string tenant, string source, string problem);
}
