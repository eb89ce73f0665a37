using System.Collections.Frozen;
using OutboundGuard.Scoring.Accounts;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// The node's copy of the verified complaint counts per account and tenant, which the host reloads from PostgreSQL
/// after each report and periodically (so every node weighs reports any node received). Thread-safe: a reload swaps
/// the whole table.
/// </summary>
public sealed class ComplaintLedger
{
    private volatile Tables _tables = new(FrozenDictionary<long, ComplaintStanding>.Empty, FrozenDictionary<string, ComplaintStanding>.Empty);

    /// <param name="window">The counting window the host loads (for the evidence text). Defaults to 7 days.</param>
    public ComplaintLedger(TimeSpan? window = null)
    {
        Window = window ?? TimeSpan.FromDays(7);
    }

    /// <summary>How far back complaints and messages are counted.</summary>
    public TimeSpan Window { get; }

    /// <summary>The account's standing, or null when it has no verified complaint in the window.</summary>
    public ComplaintStanding? ForAccount(long accountId) => _tables.Accounts.GetValueOrDefault(accountId);

    /// <summary>The tenant's standing, or null when none of its accounts has a verified complaint in the window.</summary>
    public ComplaintStanding? ForTenant(string tenant) => _tables.Tenants.GetValueOrDefault(tenant);

    /// <summary>Replaces every standing with the given ones (accounts without an entry have none).</summary>
    public void Load(IEnumerable<(long AccountId, string Tenant, ComplaintStanding Account, ComplaintStanding TenantStanding)> standings)
    {
        var accounts = new Dictionary<long, ComplaintStanding>();
        var tenants = new Dictionary<string, ComplaintStanding>(StringComparer.OrdinalIgnoreCase);
        foreach (var (accountId, tenant, account, tenantStanding) in standings)
        {
            accounts[accountId] = account;
            tenants[tenant] = tenantStanding;
        }

        _tables = new Tables(accounts.ToFrozenDictionary(), tenants.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    private sealed record Tables(FrozenDictionary<long, ComplaintStanding> Accounts, FrozenDictionary<string, ComplaintStanding> Tenants);
}
