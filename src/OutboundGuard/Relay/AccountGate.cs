using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// Enforces an account's state before any content is read: a suspended account gets 550 5.7.1, a
/// throttled one 451 4.7.1 until its cool-down ends, after which it is released automatically.
/// </summary>
internal sealed class AccountGate(AccountRepository accounts, TimeProvider time)
{
    public const string PolicyActor = "policy";

    /// <summary>Returns null when the account may send, or the refusal to reply.</summary>
    public async Task<SmtpReply?> CheckAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        switch (account.StateValue)
        {
            case AccountState.Suspended:
                return SmtpReplies.Suspended.WithText($"Account {account.Address} is suspended for suspected abuse; contact your administrator");
            case AccountState.Throttled when account.ThrottledUntil is { } until && until > time.GetUtcNow():
                return SmtpReplies.Throttled.WithText($"Account {account.Address} is throttled until {until:HH:mm:ss} UTC: {account.StateReason}");
            case AccountState.Throttled:
                await accounts.SetStateAsync(account.Id, AccountState.Active, "throttle cool-down ended", PolicyActor, cancellationToken: cancellationToken);
                return null;
            default:
                return null;
        }
    }
}
