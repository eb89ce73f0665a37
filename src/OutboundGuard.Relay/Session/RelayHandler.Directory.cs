using OutboundGuard.Relay.Authentication;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

internal sealed partial class RelayHandler
{
    /// <summary>
    /// The AUTH check against the login's tenant's source (local hashes, Dovecot or LDAP); a directory that cannot be
    /// asked becomes the SMTP layer's temporary failure (454 4.7.0). <paramref name="found"/> is the account as the node's
    /// cache gave it (null: none), so the local check does not read it again.
    /// </summary>
    private async Task<AccountRecord?> VerifyPasswordAsync(string userName, string password, AccountRecord? found, CancellationToken cancellationToken)
    {
        try
        {
            return await authenticator.AuthenticateAsync(userName, password, found, cancellationToken);
        }
        catch (DirectoryUnavailableException e)
        {
            throw new AuthenticationUnavailableException(e.Message, e);
        }
    }
}
