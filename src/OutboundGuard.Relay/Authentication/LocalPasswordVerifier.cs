using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>
/// The accounts' own password hashes (<see cref="AccountRepository.VerifyPasswordAsync(AccountRecord, string, CancellationToken)"/>),
/// the default source: the hash of the account the caller already read, so an AUTH reads the account once.
/// </summary>
public sealed class LocalPasswordVerifier(AccountRepository accounts) : IPasswordVerifier
{
    public AuthSourceKind Kind => AuthSourceKind.Local;

    public async Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, AccountRecord? account, CancellationToken cancellationToken)
        => await accounts.VerifyPasswordAsync(account, password, cancellationToken) is { } verified
            ? new PasswordCheck(PasswordCheckOutcome.Accepted, verified)
            : PasswordCheck.Rejected;
}
