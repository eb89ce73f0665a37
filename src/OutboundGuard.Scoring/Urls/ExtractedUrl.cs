namespace OutboundGuard.Scoring.Urls;

/// <summary>One link found in a message, normalised.</summary>
/// <param name="Url">The normalised URL (percent-decoded host, IDN in Unicode and punycode forms folded to ASCII punycode, lower-case host).</param>
/// <param name="Host">The host, lower-case ASCII (punycode for IDN).</param>
/// <param name="RegistrableDomain">The registrable domain (e.g. example.co.uk), or the IP literal.</param>
/// <param name="VisibleText">For HTML links, the text the reader sees; null for links in plain text.</param>
/// <param name="IsIpLiteral">Whether the host is an IP address.</param>
public sealed record ExtractedUrl(string Url, string Host, string RegistrableDomain, string? VisibleText, bool IsIpLiteral)
{
    /// <summary>The host in Unicode, for look-alike checks (e.g. "аpple.com" with a Cyrillic а).</summary>
    public string UnicodeHost { get; init; } = Host;
}
