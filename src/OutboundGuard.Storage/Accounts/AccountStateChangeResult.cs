
namespace OutboundGuard.Storage.Accounts;

/// <summary>What <see cref="AccountRepository.ChangeStateAsync"/> wrote.</summary>
/// <param name="Address">The account.</param>
/// <param name="From">Its state before.</param>
/// <param name="To">Its state after.</param>
/// <param name="Changed">False when nothing was written because the account already was in <paramref name="To"/>.</param>
/// <param name="HeldMessages">Queued messages moved to quarantine.</param>
public sealed record AccountStateChangeResult(string Address, AccountState From, AccountState To, bool Changed, int HeldMessages);
