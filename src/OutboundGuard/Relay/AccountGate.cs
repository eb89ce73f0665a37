using OutboundGuard.Cluster;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// Enforces an account's state at MAIL FROM: a suspended account gets 550 5.7.1 before any content is
/// read. A throttled account may still hand over its message: the message is scored (so an account that
/// keeps pushing while throttled climbs to suspension) and then deferred with 451 4.7.1 until the
/// cool-down ends, after which the account is released automatically.
/// </summary>
internal sealed class AccountGate(AccountRepository accounts, AccountStateCache cache, TimeProvider time)
{
    public const string PolicyActor = "policy";

    /// <summary>True while the account's throttle cool-down runs.</summary>
    public bool IsThrottled(AccountRecord account)
        => account.StateValue == AccountState.Throttled && account.ThrottledUntil is { } until && until > time.GetUtcNow();

    /// <summary>Drops this node's cached copy of an account whose state this node just changed (other nodes learn it by NOTIFY).</summary>
    public void AccountChanged(long accountId) => cache.Invalidate(accountId);

    /// <summary>Returns null when the account may send, or the refusal to reply.</summary>
    public async Task<SmtpReply?> CheckAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        switch (account.StateValue)
        {
            case AccountState.Suspended:
                return SmtpReplies.Suspended.WithText($"Account {account.Address} is suspended for suspected abuse; contact your administrator");
            case AccountState.Throttled when IsThrottled(account):
                return null;
            case AccountState.Throttled:
                await accounts.SetStateAsync(account.Id, AccountState.Active, "throttle cool-down ended", PolicyActor, cancellationToken: cancellationToken);
                AccountChanged(account.Id);
                return null;
            default:
                return null;
        }
    }
}
