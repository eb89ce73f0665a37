namespace OutboundGuard.Scoring.Urls;

/// <summary>One link found in a message, normalised.</summary>
/// <param name="Url">The normalised URL: scheme and host lower-case, host percent-decoded and in ASCII (punycode for IDN), user-info dropped.</param>
/// <param name="Host">The host, lower-case ASCII (punycode for IDN), or the IP literal.</param>
/// <param name="RegistrableDomain">The registrable domain (e.g. example.co.uk), or the IP literal.</param>
/// <param name="VisibleText">For HTML links, the text the reader sees; null for links in plain text.</param>
/// <param name="IsIpLiteral">Whether the host is an IP address.</param>
public sealed record ExtractedUrl(string Url, string Host, string RegistrableDomain, string? VisibleText, bool IsIpLiteral)
{
    /// <summary>The host in Unicode, for look-alike checks (e.g. "аpple.com" with a Cyrillic а).</summary>
    public string UnicodeHost { get; init; } = Host;

    /// <summary>Whether the host is a known URL shortener (the real target is hidden).</summary>
    public bool IsShortener { get; init; }

    /// <summary>When this URL was unwrapped from a redirector (e.g. a google.com/url?q= link), the redirector's host.</summary>
    public string? RedirectedFrom { get; init; }
}
