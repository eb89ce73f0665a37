using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>
/// Checks one login's password against one kind of source (one implementation per <see cref="AuthSourceKind"/>).
/// Small on purpose, so that a decorator (a verification cache, metrics) can wrap any of them.
/// </summary>
public interface IPasswordVerifier
{
    /// <summary>The kind of source this implementation checks against.</summary>
    AuthSourceKind Kind { get; }

    /// <summary>
    /// Checks <paramref name="password"/> for <paramref name="userName"/> (the login as the client gave it) against
    /// <paramref name="source"/>. Never throws for a wrong password, an unknown user or an unreachable source: those
    /// are outcomes.
    /// </summary>
    /// <param name="source">The login's tenant's source.</param>
    /// <param name="userName">The login as the client gave it.</param>
    /// <param name="password">The password as the client gave it.</param>
    /// <param name="account">
    /// The relay's account of this login as the caller already read it (its node's account cache), null when there is
    /// none: a source that checks the stored hash checks this one instead of reading the account again.
    /// </param>
    /// <param name="cancellationToken">Ends the check.</param>
    Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, AccountRecord? account, CancellationToken cancellationToken);
}
