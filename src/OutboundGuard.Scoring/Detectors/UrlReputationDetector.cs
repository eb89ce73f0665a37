using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Urls;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// The message's links (extracted and normalised by the pipeline with <see cref="UrlExtractor"/>): local
/// block and allow lists, DNS blocklist answers gathered before the detectors ran, IP-literal hosts,
/// look-alikes of protected brands, link text naming another domain than the href, shorteners, and link
/// domains nobody in the tenant used before. Each domain is reported once per kind. Weights:
/// <see cref="UrlReputationDetectorOptions"/>.
/// </summary>
public sealed class UrlReputationDetector : IDetector
{
    private readonly UrlReputationOptions _options;
    private readonly UrlReputationDetectorOptions _w;

    /// <param name="options">The local lists and protected brands (live: the admin refreshes them); defaults when null.</param>
    /// <param name="weights">The findings' weights; defaults when null.</param>
    public UrlReputationDetector(UrlReputationOptions? options = null, UrlReputationDetectorOptions? weights = null)
    {
        _options = options ?? new UrlReputationOptions();
        _w = weights ?? new UrlReputationDetectorOptions();
    }

    public string Name => "url";

    public UrlReputationOptions Options => _options;

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        void Add(string key, double weight, string text, VerdictAction? forces = null)
        {
            if (reported.Add(key))
            {
                // A forced action here is always about the message itself: a blocklisted or look-alike link.
                findings.Add(new Evidence(Name, weight, text) { Forces = forces, Decisive = forces is not null });
            }
        }

        foreach (ExtractedUrl url in history.Urls)
        {
            string domain = url.RegistrableDomain;
            if (_options.Allowlist.Contains(domain))
            {
                continue;
            }

            if (_options.Blocklist.Contains(domain) || _options.Blocklist.Contains(url.Host))
            {
                Add("block:" + domain, _w.BlocklistWeight, $"link to {domain} is on the local blocklist", VerdictAction.Quarantine);
            }

            if (history.ListedDomains.TryGetValue(domain, out string? zone))
            {
                Add("dnsbl:" + domain, _w.DnsBlocklistWeight, $"link domain {domain} is listed by {zone}");
            }

            if (url.IsIpLiteral)
            {
                Add("ip:" + domain, _w.IpLiteralWeight, $"link to IP address {domain} instead of a domain name");
            }

            string unicodeDomain = PublicSuffixes.RegistrableDomain(url.UnicodeHost);
            if (_options.ImitatedBrand(domain, unicodeDomain) is { } brand)
            {
                string shown = unicodeDomain != domain ? $"{domain} ({unicodeDomain})" : domain;
                Add("brand:" + domain, _w.LookAlikeWeight, $"link to {shown} imitates {brand}", VerdictAction.Quarantine);
            }

            if (TextNamesOtherDomain(url, out string? textDomain))
            {
                // Click tracking makes ordinary newsletters show one domain and link through another; the mismatch weighs
                // most when the text names a protected brand the href does not belong to.
                bool brandText = _options.IsBrandDomain(PublicSuffixes.RegistrableDomain(textDomain!));
                Add("mismatch:" + domain, brandText ? _w.BrandTextMismatchWeight : _w.TextMismatchWeight, $"link text says {textDomain}, href goes to {url.Host}");
            }

            if (url.IsShortener)
            {
                Add("short:" + domain, _w.ShortenerWeight, $"link through shortener {url.Host} hides its target");
            }
        }

        int fresh = history.DomainsNewToTenant.Count(d => !_options.Allowlist.Contains(d));
        if (fresh > 0)
        {
            string list = string.Join(", ", history.DomainsNewToTenant.Where(d => !_options.Allowlist.Contains(d)).Take(3));
            Add("new", Round(Math.Min(_w.NewDomainsMaxWeight, _w.NewDomainWeight * fresh)), $"{I(fresh)} link domain(s) never seen in tenant {message.Account.Tenant} before: {list}");
        }
    }

    /// <summary>
    /// Whether the URL is what the campaign guard calls a bad URL: blocklisted (locally or by DNS), an IP
    /// literal, a brand look-alike or a link whose text names another domain.
    /// </summary>
    public bool IsBad(ExtractedUrl url, IReadOnlyDictionary<string, string> listed)
    {
        string domain = url.RegistrableDomain;
        if (_options.Allowlist.Contains(domain))
        {
            return false;
        }

        return _options.Blocklist.Contains(domain) || listed.ContainsKey(domain) || url.IsIpLiteral
            || _options.ImitatedBrand(domain, PublicSuffixes.RegistrableDomain(url.UnicodeHost)) is not null
            || TextNamesOtherDomain(url, out _);
    }

    private static bool TextNamesOtherDomain(ExtractedUrl url, out string? textDomain)
    {
        textDomain = null;
        string? text = url.VisibleText?.Trim();
        if (string.IsNullOrEmpty(text) || text.Contains(' ', StringComparison.Ordinal) || !text.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        // The text must itself read as a domain or URL, e.g. "outlook.com" or "https://www.outlook.com/login".
        string candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!UrlExtractor.TryNormalise(candidate, null, out ExtractedUrl? shown) || !shown.Host.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        string last = shown.Host[(shown.Host.LastIndexOf('.') + 1)..];
        if (last.Length < 2 || !last.All(char.IsLetter))
        {
            return false;
        }

        if (string.Equals(shown.RegistrableDomain, url.RegistrableDomain, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        textDomain = shown.Host;
        return true;
    }
}
