namespace OutboundGuard.Scoring.Urls;

/// <summary>Local lists of the URL reputation detector, section <c>OutboundGuard:Scoring:Urls</c>.</summary>
public sealed class UrlReputationOptions
{
    /// <summary>Registrable domains (or IP literals) whose links quarantine the message. Empty by default.</summary>
    public HashSet<string> Blocklist { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registrable domains never reported (the tenants' own sites, partners). Empty by default.</summary>
    public HashSet<string> Allowlist { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Protected brands and their own registrable domains; a link or display name imitating a brand from any
    /// other domain is a look-alike. Defaults: microsoft, outlook, office365, paypal, apple, google, amazon, netflix,
    /// docusign, dropbox, linkedin, facebook, instagram, adobe, fedex, wellsfargo, chase.
    /// </summary>
    public Dictionary<string, string[]> ProtectedBrands { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["microsoft"] = ["microsoft.com", "microsoftonline.com", "live.com", "office.com", "office365.com", "outlook.com", "sharepoint.com", "windows.net", "azure.com", "msn.com", "bing.com", "skype.com"],
        ["outlook"] = ["outlook.com", "live.com", "office.com", "microsoft.com", "office365.com"],
        ["office365"] = ["office365.com", "office.com", "microsoft.com", "microsoftonline.com"],
        ["paypal"] = ["paypal.com", "paypal.me", "paypalobjects.com"],
        ["apple"] = ["apple.com", "icloud.com", "me.com"],
        ["google"] = ["google.com", "googleapis.com", "googleusercontent.com", "gmail.com", "youtube.com", "gstatic.com", "goo.gl", "google.co.uk", "google.de", "google.fr"],
        ["amazon"] = ["amazon.com", "amazonaws.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.co.jp", "aws.amazon.com", "media-amazon.com"],
        ["netflix"] = ["netflix.com", "nflxext.com"],
        ["docusign"] = ["docusign.com", "docusign.net"],
        ["dropbox"] = ["dropbox.com", "dropboxusercontent.com"],
        ["linkedin"] = ["linkedin.com", "lnkd.in", "licdn.com"],
        ["facebook"] = ["facebook.com", "fb.com", "fbcdn.net", "meta.com"],
        ["instagram"] = ["instagram.com", "cdninstagram.com"],
        ["adobe"] = ["adobe.com", "adobesign.com", "adobelogin.com"],
        ["fedex"] = ["fedex.com"],
        ["wellsfargo"] = ["wellsfargo.com"],
        ["chase"] = ["chase.com", "jpmorganchase.com"],
    };

    /// <summary>Whether a registrable domain belongs to any protected brand.</summary>
    public bool IsBrandDomain(string registrableDomain)
    {
        foreach (string[] domains in ProtectedBrands.Values)
        {
            foreach (string domain in domains)
            {
                if (string.Equals(domain, registrableDomain, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _verdicts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The brand <paramref name="registrableDomain"/> imitates, or null. Answers are cached per domain (at most 10,000).</summary>
    public string? ImitatedBrand(string registrableDomain, string unicodeRegistrableDomain)
    {
        if (_verdicts.TryGetValue(registrableDomain, out string? cached))
        {
            return cached.Length == 0 ? null : cached;
        }

        string? brand = FindImitatedBrand(registrableDomain, unicodeRegistrableDomain);
        if (_verdicts.Count >= 10_000)
        {
            _verdicts.Clear();
        }

        _verdicts[registrableDomain] = brand ?? string.Empty;
        return brand;
    }

    private string? FindImitatedBrand(string registrableDomain, string unicodeRegistrableDomain)
    {
        if (IsBrandDomain(registrableDomain))
        {
            return null;
        }

        foreach (string brand in ProtectedBrands.Keys)
        {
            if (LookAlike.Imitates(unicodeRegistrableDomain, brand) || LookAlike.Imitates(registrableDomain, brand))
            {
                return brand;
            }
        }

        return null;
    }
}
