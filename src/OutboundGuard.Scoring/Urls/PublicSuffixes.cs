using System.Net;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// Registrable domain ("eTLD+1") by the full Public Suffix List (<see cref="PublicSuffixList"/>: ICANN and private
/// sections, wildcards and exceptions), so that "evil.github.io", "example.gov.xx" and "shop.city.kawasaki.jp" are read
/// as their owners registered them.
/// </summary>
public static class PublicSuffixes
{
    /// <summary>The registrable domain of <paramref name="host"/> (lower-case), or the host itself for IP literals, single labels and hosts that are public suffixes themselves.</summary>
    public static string RegistrableDomain(string host) => Registrable.Get(host);

    /// <summary>Where the list was read from (the build's embedded copy of Debian's <c>publicsuffix</c> data, or its path), for the start-up log.</summary>
    public static string Source => PublicSuffixList.Default.Source;

    private static readonly HostCache<string> Registrable = new(Compute);

    private static string Compute(string host)
    {
        string h = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(h.Trim('[', ']'), out _))
        {
            return h;
        }

        string[] labels = h.Split('.');
        int suffixLabels = PublicSuffixList.Default.SuffixLabels(labels);
        return labels.Length <= suffixLabels ? h : string.Join('.', labels[^(suffixLabels + 1)..]);
    }

    /// <summary>The registrable domain without its public suffix, e.g. "paypal" for www.paypal.co.uk.</summary>
    public static string Label(string registrableDomain)
    {
        int dot = registrableDomain.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? registrableDomain : registrableDomain[..dot];
    }
}
