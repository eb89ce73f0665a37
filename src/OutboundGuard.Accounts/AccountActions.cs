using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Accounts;

/// <summary>
/// The one implementation of <see cref="IAccountActions"/>. What each action means is decided here and nowhere
/// else; storage runs it in one transaction and announces it, and each node's state listener brings its scoring
/// memory and account cache along (a suspension blocks the account's recent fingerprints and taints its flagged
/// client addresses; a reinstatement from suspended starts probation).
/// </summary>
public sealed class AccountActions(AccountRepository accounts, IEnumerable<IAccountChangeObserver> observers) : IAccountActions
{
    /// <summary>Who the audit log names for the scoring policy's own decisions.</summary>
    public const string PolicyActor = "policy";

    /// <summary>
    /// How long a throttle set by ops (CLI, API, web UI) lasts when they name no length: 15 min, the default of the
    /// policy's first cool-down (<c>OutboundGuard:Scoring:ThrottleCoolDown</c>).
    /// </summary>
    public static TimeSpan ManualThrottleLength { get; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest throttle ops may set by hand: 7 days (longer is a suspension's business).</summary>
    public static TimeSpan MaxManualThrottleLength { get; } = TimeSpan.FromDays(7);

    public Task<AccountStateChangeResult?> SuspendAsync(long accountId, string reason, string actor, long? verdictId = null, CancellationToken cancellationToken = default)
        => ChangeAsync(new AccountStateChangeRequest(accountId, AccountState.Suspended, Required(reason), actor)
        {
            VerdictId = verdictId,
            // A suspended account's mail that has not left yet is held for review, not delivered.
            HoldQueuedMail = true,
            OnlyIfDifferent = true,
        }, cancellationToken);

    public Task<AccountStateChangeResult?> ThrottleAsync(long accountId, DateTimeOffset until, string reason, string actor, long? verdictId = null, CancellationToken cancellationToken = default)
        => ChangeAsync(new AccountStateChangeRequest(accountId, AccountState.Throttled, Required(reason), actor) { ThrottledUntil = until, VerdictId = verdictId }, cancellationToken);

    public Task<AccountStateChangeResult?> ReinstateAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default)
        => ChangeAsync(new AccountStateChangeRequest(accountId, AccountState.Active, Required(reason), actor) { OnlyIfDifferent = true }, cancellationToken);

    public async Task<bool> RequireNewPasswordAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var done = await accounts.SetCredentialResetRequiredAsync(accountId, true, actor, Required(reason), cancellationToken);
        Notify(accountId, done);
        return done;
    }

    public async Task<bool> SetPasswordAsync(long accountId, string password, string reason, string actor, CancellationToken cancellationToken = default)
    {
        PasswordRule.Check(password);
        var done = await accounts.SetPasswordAsync(accountId, password, actor, Required(reason), cancellationToken);
        Notify(accountId, done);
        return done;
    }

    public async Task<AccountRemoval?> RemoveAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        var removal = await accounts.RemoveAsync(accountId, Required(reason), actor, cancellationToken);
        Notify(accountId, removal is not null);
        return removal;
    }

    private async Task<AccountStateChangeResult?> ChangeAsync(AccountStateChangeRequest request, CancellationToken cancellationToken)
    {
        var result = await accounts.ChangeStateAsync(request, cancellationToken);
        Notify(request.AccountId, result is not null);
        return result;
    }

    private void Notify(long accountId, bool done)
    {
        if (!done)
        {
            return;
        }

        foreach (var observer in observers)
        {
            observer.AccountChanged(accountId);
        }
    }

    private static string Required(string reason)
        => string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException("A reason is required for every account action.", nameof(reason)) : reason.Trim();
}
