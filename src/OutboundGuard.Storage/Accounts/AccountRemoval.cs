namespace OutboundGuard.Storage.Accounts;

/// <summary>What <see cref="AccountRepository.RemoveAsync"/> wrote.</summary>
/// <param name="Address">The address the account had.</param>
/// <param name="Tombstone">The address its row keeps from now on (<c>ADDRESS#removed-ID</c>), under which the console still shows its history.</param>
/// <param name="HeldMessages">Queued and deferred messages moved to quarantine.</param>
public sealed record AccountRemoval(string Address, string Tombstone, int HeldMessages);
