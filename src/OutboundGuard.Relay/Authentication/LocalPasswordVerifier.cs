using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>The accounts' own password hashes (<see cref="AccountRepository.VerifyPasswordAsync(string, string, CancellationToken)"/>), the default source.</summary>
public sealed class LocalPasswordVerifier(AccountRepository accounts) : IPasswordVerifier
{
    public AuthSourceKind Kind => AuthSourceKind.Local;

    public async Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, CancellationToken cancellationToken)
        => await accounts.VerifyPasswordAsync(userName, password, cancellationToken) is { } account
            ? new PasswordCheck(PasswordCheckOutcome.Accepted, account)
            : PasswordCheck.Rejected;
}
