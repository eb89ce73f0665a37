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

    /// <summary>When a successful AUTH raises an account's scrutiny; see <see cref="LoginScrutinyOptions"/> for the defaults.</summary>
    public LoginScrutinyOptions Logins { get; set; } = new();

    /// <summary>Downstream replies kept per account (last hour). Default 4096.</summary>
    public int DownstreamRepliesPerAccount { get; set; } = 4096;

    /// <summary>How long a suspended account's client IPs taint other accounts that use them. Default 1 day.</summary>
    public TimeSpan LinkedIpMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Young accounts (under <see cref="EstablishedAge"/>, by their creation time) created this close to a suspended young
    /// account of the same tenant are linked to it — unless both belong to the tenant's first accounts (created within this
    /// window of the tenant's oldest account: its onboarding, or the relay's first sight of a connector's senders). Default 10 min.
    /// </summary>
    public TimeSpan FirstSeenTogetherWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// From this age (since <c>AccountProfile.CreatedAt</c>) an account is established: it is never linked to a suspended
    /// account by creation time, and it counts as a regular user of the client IPs it sends from. Default 7 days.
    /// </summary>
    public TimeSpan EstablishedAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A client IP from which at least this many established accounts of the suspended account's tenant (the suspended one
    /// not counted) were already sending <see cref="SharedIpMinimumHistory"/> before the IP's first flagged message is the
    /// tenant's shared mail server, connector or office NAT: a suspension does not taint it. Default 3.
    /// </summary>
    public int SharedIpAccounts { get; set; } = 3;

    /// <summary>How long before an IP's first flagged message an account must have been using it to count towards <see cref="SharedIpAccounts"/>. Default 10 min.</summary>
    public TimeSpan SharedIpMinimumHistory { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Client IPs whose users are remembered (for <see cref="SharedIpAccounts"/>), each with at most 64 accounts; past it the least recently used half is forgotten. Default 100,000.</summary>
    public int TrackedClientIps { get; set; } = 100_000;
}
