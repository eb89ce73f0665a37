using OutboundGuard.Relay.Accounts;
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
internal sealed class AccountGate(IAccountActions actions, TimeProvider time)
{

    /// <summary>True while the account's throttle cool-down runs.</summary>
    public bool IsThrottled(AccountRecord account)
        => account.StateValue == AccountState.Throttled && account.ThrottledUntil is { } until && until > time.GetUtcNow();

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
                await actions.ReinstateAsync(account.Id, "throttle cool-down ended", AccountActions.PolicyActor, cancellationToken);
                return null;
            default:
                return null;
        }
    }
}
