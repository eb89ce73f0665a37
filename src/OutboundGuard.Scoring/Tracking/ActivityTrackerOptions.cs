namespace OutboundGuard.Scoring.Tracking;

/// <summary>Memory bounds of the <see cref="AccountActivityTracker"/>; the defaults suit tens of thousands of accounts per node.</summary>
public sealed class ActivityTrackerOptions
{
    /// <summary>Recipient addresses remembered per account to tell first-time recipients. Default 2000; past it the least recently used half is forgotten.</summary>
    public int KnownRecipientsPerAccount { get; set; } = 2000;

    /// <summary>Observations kept per distinct-key window (domains, IPs, sessions). Default 4096.</summary>
    public int DistinctObservationsPerAccount { get; set; } = 4096;

    /// <summary>Link domains remembered per tenant to tell domains new to the tenant. Default 20000.</summary>
    public int LinkDomainsPerTenant { get; set; } = 20000;

    /// <summary>Downstream replies kept per account (last hour). Default 4096.</summary>
    public int DownstreamRepliesPerAccount { get; set; } = 4096;

    /// <summary>How long a suspended account's client IPs taint other accounts that use them. Default 1 day.</summary>
    public TimeSpan LinkedIpMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Young accounts (under 7 days) created this close to a suspended young account of the same tenant are linked to it. Default 10 min.</summary>
    public TimeSpan FirstSeenTogetherWindow { get; set; } = TimeSpan.FromMinutes(10);
}
