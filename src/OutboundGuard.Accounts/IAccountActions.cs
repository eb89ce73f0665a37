using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Accounts;

/// <summary>
/// Everything that changes an account's standing, in one place: the policy, the CLI, the admin API and the web UI
/// all call this, so "suspend" means the same thing whoever asks. Each action writes the account's state, its
/// history row and its audit entry in one transaction and announces the change to every node
/// (<see cref="AccountRepository.StateChannel"/>).
/// </summary>
public interface IAccountActions
{
    /// <summary>
    /// Suspends the account: every further message is refused with 550 5.7.1, and its mail still queued for
    /// delivery moves to quarantine in the same transaction. Null when the account does not exist.
    /// </summary>
    /// <param name="accountId">The account.</param>
    /// <param name="reason">Why, in words (kept in the history and the audit log).</param>
    /// <param name="actor">Who: <c>policy</c>, <c>cli:USER</c>, <c>user:NAME</c>, <c>apikey:NAME</c>.</param>
    /// <param name="verdictId">The verdict that decided it, when the policy did.</param>
    /// <param name="cancellationToken">Cancels before the commit.</param>
    Task<AccountStateChangeResult?> SuspendAsync(long accountId, string reason, string actor, long? verdictId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Throttles the account until <paramref name="until"/>: its messages are deferred with 451 4.7.1 (the sender's
    /// MTA keeps them and retries; nothing is lost). Null when the account does not exist.
    /// </summary>
    Task<AccountStateChangeResult?> ThrottleAsync(long accountId, DateTimeOffset until, string reason, string actor, long? verdictId = null, CancellationToken cancellationToken = default);

    /// <summary>Returns a suspended or throttled account to active (a reinstated suspension starts the probation period on every node). Null when the account does not exist.</summary>
    Task<AccountStateChangeResult?> ReinstateAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default);

    /// <summary>Requires a new password before the account may authenticate again. False when the account does not exist.</summary>
    Task<bool> RequireNewPasswordAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets a new password (clearing a required reset). False when the account does not exist.</summary>
    /// <exception cref="ArgumentException">The password breaks the password rule.</exception>
    Task<bool> SetPasswordAsync(long accountId, string password, string reason, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the account: its queued mail moves to quarantine, its history, verdicts, messages and audit trail stay
    /// (under the address <c>ADDRESS#removed-ID</c>), and on every node it no longer exists for SMTP (AUTH fails as for an
    /// unknown address; its open sessions end). The address may be given to a new account afterwards. One audit entry,
    /// <c>account.remove</c>. Null when there is no such account (or it was removed already).
    /// </summary>
    Task<AccountRemoval?> RemoveAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default);
}
