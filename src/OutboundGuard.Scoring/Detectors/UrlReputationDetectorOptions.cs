namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Weights of the <see cref="UrlReputationDetector"/>'s findings about a message's links, section
/// <c>OutboundGuard:Scoring:UrlReputation</c>. The local lists and protected brands are <c>OutboundGuard:Scoring:Urls</c>
/// (<see cref="Urls.UrlReputationOptions"/>). docs/configuration.md lists every key with its default.
/// </summary>
public sealed class UrlReputationDetectorOptions
{
    /// <summary>A link to a domain on the local blocklist (decisive: quarantines the message). Default 80.</summary>
    public double BlocklistWeight { get; set; } = 80;

    /// <summary>A link domain listed by a DNS blocklist zone. Default 60.</summary>
    public double DnsBlocklistWeight { get; set; } = 60;

    /// <summary>A link to an IP address instead of a domain name. Default 25.</summary>
    public double IpLiteralWeight { get; set; } = 25;

    /// <summary>A link to a look-alike of a protected brand (decisive: quarantines the message). Default 50.</summary>
    public double LookAlikeWeight { get; set; } = 50;

    /// <summary>Link text naming a protected brand's domain while the href goes elsewhere. Default 40.</summary>
    public double BrandTextMismatchWeight { get; set; } = 40;

    /// <summary>Link text naming another domain than the href (click tracking does this too). Default 15.</summary>
    public double TextMismatchWeight { get; set; } = 15;

    /// <summary>A link through a URL shortener. Default 10.</summary>
    public double ShortenerWeight { get; set; } = 10;

    /// <summary>Weight per link domain nobody in the tenant used before. Default 5.</summary>
    public double NewDomainWeight { get; set; } = 5;

    /// <summary>Largest weight of link domains new to the tenant. Default 15.</summary>
    public double NewDomainsMaxWeight { get; set; } = 15;
}
