using System.Net;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// Registrable domain ("eTLD+1") from a compact embedded subset of the Public Suffix List: every
/// single-label TLD plus the common multi-label public suffixes (co.uk, com.au, co.jp, …) and the hosting
/// suffixes phishers use most (github.io, web.app, blogspot.com, …). A suffix missing from the subset makes
/// its registrable domain one label too short, e.g. "example.gov.xx" is read as "gov.xx"; docs/detection.md
/// states this limitation.
/// </summary>
public static class PublicSuffixes
{
    private static readonly HashSet<string> MultiLabel = new(StringComparer.OrdinalIgnoreCase)
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk", "nhs.uk", "police.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "id.au", "co.nz", "org.nz", "net.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "ac.kr", "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
        "com.br", "net.br", "org.br", "gov.br", "com.mx", "org.mx", "gob.mx", "com.ar", "com.co", "com.pe", "com.ve", "com.uy",
        "com.tr", "gov.tr", "com.tw", "org.tw", "com.hk", "org.hk", "com.sg", "edu.sg", "com.my", "co.in", "net.in", "org.in",
        "gov.in", "ac.in", "co.za", "org.za", "gov.za", "com.ng", "co.ke", "co.il", "org.il", "ac.il", "co.id", "ac.id", "or.id",
        "com.ua", "com.pl", "com.es", "com.pt", "com.gr", "co.th", "ac.th", "in.th", "com.vn", "com.pk", "com.eg", "com.sa",
        "com.ph", "co.at", "or.at", "ac.at", "gv.at", "com.ru", "com.ro", "com.de", "co.it",
        "github.io", "gitlab.io", "herokuapp.com", "blogspot.com", "azurewebsites.net", "cloudfront.net", "appspot.com",
        "web.app", "firebaseapp.com", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "r2.dev", "ngrok.io",
        "ngrok-free.app", "glitch.me", "repl.co", "wixsite.com", "weebly.com", "000webhostapp.com", "myshopify.com",
        "azureedge.net", "trycloudflare.com", "duckdns.org", "no-ip.org", "ddns.net",
    };

    private static readonly HashSet<string> ThreeLabel = new(StringComparer.OrdinalIgnoreCase)
    {
        "s3.amazonaws.com", "blob.core.windows.net", "web.core.windows.net",
    };

    /// <summary>The registrable domain of <paramref name="host"/> (lower-case ASCII), or the host itself for IP literals and single labels.</summary>
    public static string RegistrableDomain(string host) => Registrable.Get(host);

    private static readonly HostCache<string> Registrable = new(Compute);

    private static string Compute(string host)
    {
        string h = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(h.Trim('[', ']'), out _))
        {
            return h;
        }

        string[] labels = h.Split('.');
        if (labels.Length <= 2)
        {
            return h;
        }

        int take = 2;
        if (labels.Length >= 4 && ThreeLabel.Contains(string.Join('.', labels[^3..])))
        {
            take = 4;
        }
        else if (MultiLabel.Contains(string.Join('.', labels[^2..])))
        {
            take = 3;
        }

        return string.Join('.', labels[^Math.Min(take, labels.Length)..]);
    }

    /// <summary>The registrable domain without its public suffix, e.g. "paypal" for www.paypal.co.uk.</summary>
    public static string Label(string registrableDomain)
    {
        int dot = registrableDomain.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? registrableDomain : registrableDomain[..dot];
    }
}
