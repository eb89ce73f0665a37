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
    Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, CancellationToken cancellationToken);
}
