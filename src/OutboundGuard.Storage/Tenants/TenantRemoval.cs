namespace OutboundGuard.Storage.Tenants;

/// <summary>What <see cref="TenantRepository.RemoveAsync"/> did.</summary>
/// <param name="Domain">The tenant's domain.</param>
/// <param name="Tombstone">The domain its row keeps from now on (<c>DOMAIN#removed-ID</c>); null when it was not removed.</param>
/// <param name="AccountsRemaining">Accounts of the tenant that are not removed; when above 0 nothing was done.</param>
/// <param name="WaysInRemoved">Connector ranges, client certificates, further domains, platform identities and the directory setting deleted with it.</param>
public sealed record TenantRemoval(string Domain, string? Tombstone, int AccountsRemaining, int WaysInRemoved)
{
    /// <summary>Whether the tenant was removed (it had no account left).</summary>
    public bool Removed => Tombstone is not null;
}
