using System.Collections.Concurrent;
using OutboundGuard.Accounts;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>
/// Enforces an account's state at MAIL FROM, before any content is read and from the node's account cache: a suspended
/// account gets 550 5.7.1, a throttled one 451 4.7.1 until its cool-down ends, after which the account is released
/// automatically. Attempts refused during a cool-down are counted here, in memory on this node, and named in the
/// release's history row ("throttle cool-down ended; 412 attempt(s) refused during it"), so the account's history still
/// shows whether it backed off; they never extend the cool-down. Every refusal, suspended or throttled, is also counted
/// per account and minute for the console (<see cref="RefusedAttempts"/>, in memory; no I/O here).
/// </summary>
internal sealed class AccountGate(IAccountActions actions, RefusedAttempts refusals, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, int> _refusedDuringCoolDown = new();

    /// <summary>True while the account's throttle cool-down runs.</summary>
    public bool IsThrottled(AccountRecord account)
        => account.StateValue == AccountState.Throttled && account.ThrottledUntil is { } until && until > time.GetUtcNow();

    /// <summary>Attempts of this account refused at MAIL FROM on this node during its current cool-down.</summary>
    public int RefusedDuringCoolDown(long accountId) => _refusedDuringCoolDown.TryGetValue(accountId, out var count) ? count : 0;

    /// <summary>The 451 4.7.1 a throttled account gets, naming when its cool-down ends and why.</summary>
    public static SmtpReply ThrottledReply(string address, DateTimeOffset? until, string? reason)
        => SmtpReplies.Throttled.WithText($"Account {address} is throttled until {until:HH:mm:ss} UTC: {reason}");

    /// <summary>Returns null when the account may send, or the refusal to reply.</summary>
    public async Task<SmtpReply?> CheckAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        switch (account.StateValue)
        {
            case AccountState.Suspended:
                refusals.Record(account.Id, AccountState.Suspended);
                return SmtpReplies.Suspended.WithText($"Account {account.Address} is suspended for suspected abuse; contact your administrator");
            case AccountState.Throttled when IsThrottled(account):
                _refusedDuringCoolDown.AddOrUpdate(account.Id, 1, (_, count) => count + 1);
                refusals.Record(account.Id, AccountState.Throttled);
                return ThrottledReply(account.Address, account.ThrottledUntil, account.StateReason);
            case AccountState.Throttled:
                _refusedDuringCoolDown.TryRemove(account.Id, out var refused);
                var reason = refused == 0 ? "throttle cool-down ended" : $"throttle cool-down ended; {refused} attempt(s) refused during it";
                await actions.ReinstateAsync(account.Id, reason, AccountActions.PolicyActor, cancellationToken);
                return null;
            default:
                return null;
        }
    }
}
