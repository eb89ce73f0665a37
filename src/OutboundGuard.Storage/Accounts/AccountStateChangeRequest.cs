
namespace OutboundGuard.Storage.Accounts;

/// <summary>One state change of an account as the account-action core asks it of storage.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="To">The new state.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Actor">Who decided.</param>
public sealed record AccountStateChangeRequest(long AccountId, AccountState To, string Reason, string Actor)
{
    /// <summary>For a throttle: when it ends.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }

    /// <summary>The verdict that decided it, when the policy did.</summary>
    public long? VerdictId { get; init; }

    /// <summary>Move the account's queued and deferred mail to quarantine in the same transaction.</summary>
    public bool HoldQueuedMail { get; init; }

    /// <summary>Write nothing when the account already is in <see cref="To"/> (queued mail is still held when asked).</summary>
    public bool OnlyIfDifferent { get; init; }
}
