using OutboundGuard.Relay.Authentication;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

internal sealed partial class RelayHandler
{
    /// <summary>
    /// The AUTH check against the login's tenant's source (local hashes, Dovecot or LDAP); a directory that cannot be
    /// asked becomes the SMTP layer's temporary failure (454 4.7.0).
    /// </summary>
    private async Task<AccountRecord?> VerifyPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        try
        {
            return await authenticator.AuthenticateAsync(userName, password, cancellationToken);
        }
        catch (DirectoryUnavailableException e)
        {
            throw new AuthenticationUnavailableException(e.Message, e);
        }
    }
}
