namespace OutboundGuard.Scoring.Dns;

/// <summary>DNS blocklists to ask, section <c>OutboundGuard:Scoring:DnsBlocklists</c>.</summary>
public sealed class DnsBlocklistOptions
{
    /// <summary>Zones listing domains, queried as "example.com.{zone}". Default none (most lists need a subscription for commercial use).</summary>
    public List<string> DomainZones { get; set; } = [];

    /// <summary>Zones listing IPv4 addresses, queried with reversed octets ("4.3.2.1.{zone}"). Default none.</summary>
    public List<string> IpZones { get; set; } = [];

    /// <summary>Time allowed per message for all lookups together. Default 1.5 s; past it the missing answers count as not listed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long an answer (listed or not) is cached. Default 10 min.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Answers cached at most; past it the cache is cleared of expired entries, then of the oldest half. Default 50,000.</summary>
    public int MaxCacheEntries { get; set; } = 50_000;
}
