using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using OutboundGuard.Scoring.Html;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// Finds the links of a message in its text and HTML parts (HTML with one pass of <see cref="HtmlScanner"/>, keeping each link's
/// visible text) and normalises them: percent-decoded host, IDN folded to punycode (Unicode kept for
/// look-alike checks), user-info dropped ("https://paypal.com@evil.example" goes to evil.example),
/// backslashes read as slashes the way browsers do, redirector wrappers unwrapped and shorteners marked.
/// Pure: no network.
/// </summary>
public static partial class UrlExtractor
{
    /// <summary>At most this many links per message are returned; the rest are ignored. 200.</summary>
    public const int MaxUrls = 200;

    private static readonly HashSet<string> Shorteners = new(StringComparer.OrdinalIgnoreCase)
    {
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at",
        "tiny.cc", "rb.gy", "t.ly", "bl.ink", "s.id", "v.gd", "soo.gd", "shorte.st", "adf.ly", "lnkd.in", "qrco.de", "tr.im",
    };

    /// <summary>Query parameters that redirectors put the target in.</summary>
    private static readonly string[] RedirectParameters = ["url", "u", "q", "target", "redirect", "redirect_uri", "dest", "destination", "link"];

    private static readonly IdnMapping Idn = new() { AllowUnassigned = true };

    /// <summary>A host's ASCII (punycode) and Unicode forms, or null when it is not a valid IDN host name.</summary>
    private static readonly HostCache<(string Ascii, string Unicode)?> IdnForms = new(host =>
    {
        try
        {
            string ascii = Idn.GetAscii(host).ToLowerInvariant();
            return (ascii, Idn.GetUnicode(ascii));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });

    /// <summary>Extracts the normalised links of <paramref name="message"/>; empty when it has no body. Cached per parsed message (with its <see cref="MessageBody"/>).</summary>
    public static IReadOnlyList<ExtractedUrl> Extract(MimeMessage? message)
    {
        if (message is null)
        {
            return [];
        }

        MessageBody body = MessageBody.Of(message);
        return body.Urls ??= ExtractFrom(body);
    }

    /// <summary>Extracts the normalised links of a message body, without the cache.</summary>
    public static IReadOnlyList<ExtractedUrl> ExtractFrom(MessageBody body)
    {
        var urls = new List<ExtractedUrl>();
        foreach (TextSection section in body.Sections)
        {
            if (section.IsHtml)
            {
                ExtractFromScan(section.Text, section.Anchors, urls);
            }
            else
            {
                ExtractFromText(section.Text, urls);
            }

            if (urls.Count >= MaxUrls)
            {
                break;
            }
        }

        return urls.Count > MaxUrls ? urls.GetRange(0, MaxUrls) : urls;
    }

    /// <summary>Extracts links from an HTML body: every a[href] with its visible text, and bare URLs in the text.</summary>
    public static void ExtractFromHtml(string html, List<ExtractedUrl> urls)
    {
        HtmlScan scan = HtmlScanner.Scan(html);
        ExtractFromScan(scan.Text, scan.Anchors, urls);
    }

    private static void ExtractFromScan(string visibleText, IReadOnlyList<HtmlAnchor> anchors, List<ExtractedUrl> urls)
    {
        foreach (HtmlAnchor a in anchors)
        {
            if (urls.Count >= MaxUrls)
            {
                return;
            }

            if (TryNormalise(a.Href, a.Text.Length == 0 ? null : a.Text, out ExtractedUrl? url))
            {
                Add(url, urls);
            }
        }

        // Bare URLs outside anchors; those inside anchors are already counted with their href.
        // Sets, not scans: a message with thousands of links must stay linear.
        HashSet<string>? seenUrls = null;
        HashSet<string>? seenTexts = null;
        foreach (ValueMatch m in BareUrl().EnumerateMatches(visibleText))
        {
            if (urls.Count >= MaxUrls)
            {
                break;
            }

            if (seenUrls is null)
            {
                seenUrls = new HashSet<string>(urls.Count, StringComparer.Ordinal);
                seenTexts = new HashSet<string>(StringComparer.Ordinal);
                foreach (ExtractedUrl u in urls)
                {
                    seenUrls.Add(u.Url);
                    if (u.VisibleText is not null)
                    {
                        seenTexts.Add(u.VisibleText);
                    }
                }
            }

            string value = visibleText.Substring(m.Index, m.Length);
            if (!seenTexts!.Contains(value) && TryNormalise(value, null, out ExtractedUrl? url) && seenUrls.Add(url.Url))
            {
                Add(url, urls);
            }
        }
    }

    /// <summary>Extracts bare URLs (http, https, www.) from plain text.</summary>
    public static void ExtractFromText(string text, List<ExtractedUrl> urls)
    {
        foreach (Match m in BareUrl().Matches(text))
        {
            if (TryNormalise(m.Value, null, out ExtractedUrl? url))
            {
                Add(url, urls);
            }
        }
    }

    /// <summary>Normalises one URL as written in a message; false for mailto:, relative and unparsable links.</summary>
    public static bool TryNormalise(string raw, string? visibleText, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExtractedUrl? url)
    {
        url = null;
        string s = raw.Trim().Trim('<', '>', '"', '\'').Replace('\\', '/');
        s = s.TrimEnd('.', ',', ';', ':', '!', '?', ')');
        if (s.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            s = "http://" + s;
        }

        int schemeEnd = s.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        string scheme = s[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            return false;
        }

        string rest = s[(schemeEnd + 3)..].TrimStart('/');
        int pathStart = rest.IndexOfAny(['/', '?', '#']);
        string authority = pathStart < 0 ? rest : rest[..pathStart];
        string path = pathStart < 0 ? "/" : rest[pathStart..];
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        string host = Uri.UnescapeDataString(authority);
        int colon = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.LastIndexOf(':');
        string port = string.Empty;
        if (colon > 0)
        {
            port = host[(colon + 1)..];
            host = host[..colon];
            if (port is "80" or "443" || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                port = string.Empty;
            }
        }

        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0)
        {
            return false;
        }

        bool isIp = IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) || TryParseNumericIPv4(host, out ip);
        string asciiHost, unicodeHost;
        if (isIp)
        {
            asciiHost = unicodeHost = ip!.ToString();
        }
        else if (IdnForms.Get(host) is { } forms)
        {
            (asciiHost, unicodeHost) = forms;
        }
        else
        {
            return false;
        }

        string normalised = $"{scheme}://{asciiHost}{(port.Length > 0 ? ":" + port : string.Empty)}{path}";
        string registrable = PublicSuffixes.RegistrableDomain(asciiHost);
        url = new ExtractedUrl(normalised, asciiHost, isIp ? asciiHost : registrable, visibleText, isIp)
        {
            UnicodeHost = unicodeHost,
            IsShortener = Shorteners.Contains(asciiHost) || Shorteners.Contains(registrable),
        };
        return true;
    }

    private static void Add(ExtractedUrl url, List<ExtractedUrl> urls)
    {
        urls.Add(url);
        if (TryUnwrapRedirect(url, out ExtractedUrl? inner))
        {
            urls.Add(inner);
        }
    }

    /// <summary>Unwraps redirector links such as https://www.google.com/url?q=https://target.example/ or safelinks.</summary>
    private static bool TryUnwrapRedirect(ExtractedUrl url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExtractedUrl? inner)
    {
        inner = null;
        int q = url.Url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return false;
        }

        // The query's pairs as spans: most links carry tracking parameters, and only a redirector's target is made a string.
        ReadOnlySpan<char> query = url.Url.AsSpan(q + 1);
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int eq = pair.IndexOf('=');
            if (eq <= 0 || !IsRedirectParameter(pair[..eq]))
            {
                continue;
            }

            string value = Uri.UnescapeDataString(pair[(eq + 1)..].ToString().Replace('+', ' '));
            if ((value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                && TryNormalise(value, url.VisibleText, out ExtractedUrl? target))
            {
                inner = target with { RedirectedFrom = url.Host };
                return true;
            }
        }

        return false;
    }

    private static bool IsRedirectParameter(ReadOnlySpan<char> name)
    {
        foreach (string parameter in RedirectParameters)
        {
            if (name.Equals(parameter, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the obfuscated IPv4 forms browsers accept: a single decimal number (http://3232235777/).</summary>
    private static bool TryParseNumericIPv4(string host, out IPAddress? ip)
    {
        ip = null;
        if (host.Length is > 0 and <= 10 && uint.TryParse(host, NumberStyles.None, CultureInfo.InvariantCulture, out uint n))
        {
            ip = new IPAddress([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"(?:https?://|www\.)[^\s<>""'\]\[{}|^`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BareUrl();
}
