using System.Globalization;
using AngleSharp.Html;

namespace OutboundGuard.Scoring.Html;

/// <summary>Character references (&amp;amp;, &amp;#39;, &amp;#x41;, legacy names without the semicolon), resolved with AngleSharp's entity table.</summary>
public static partial class HtmlScanner
{
    /// <summary>The references mail uses most, looked up without allocating; the rest go to AngleSharp's table.</summary>
    private static readonly Dictionary<string, string> Common = new(StringComparer.Ordinal)
    {
        ["amp"] = "&", ["lt"] = "<", ["gt"] = ">", ["quot"] = "\"", ["apos"] = "'", ["nbsp"] = "\u00a0", ["copy"] = "©", ["reg"] = "®",
        ["trade"] = "™", ["euro"] = "€", ["pound"] = "£", ["mdash"] = "—", ["ndash"] = "–", ["hellip"] = "…", ["rsquo"] = "’",
        ["lsquo"] = "‘", ["rdquo"] = "”", ["ldquo"] = "“", ["bull"] = "•", ["middot"] = "·", ["zwnj"] = "\u200c", ["zwj"] = "\u200d",
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CommonBySpan = Common.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Names the HTML standard lets stand without a semicolon are at most this long ("middot", "frac34").</summary>
    private const int MaxLegacyName = 6;

    private const int MaxName = 32;

    private static readonly string[] Ascii = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    /// <summary>
    /// Decodes the reference at <paramref name="i"/> (an '&amp;'); returns the index after it and the text it
    /// stands for, or null (and the index after the '&amp;') when it is not a reference.
    /// </summary>
    private static int Entity(string html, int i, bool inAttribute, out string? decoded, int end = -1)
    {
        decoded = null;
        int n = end < 0 ? html.Length : end;
        int p = i + 1;
        if (p < n && html[p] == '#')
        {
            return Numeric(html, p + 1, n, i, out decoded);
        }

        int nameEnd = p;
        while (nameEnd < n && nameEnd - p < MaxName && char.IsAsciiLetterOrDigit(html[nameEnd]))
        {
            nameEnd++;
        }

        if (nameEnd == p)
        {
            return i + 1;
        }

        ReadOnlySpan<char> name = html.AsSpan(p, nameEnd - p);
        if (nameEnd < n && html[nameEnd] == ';')
        {
            if (Lookup(name, semicolon: true) is { } symbol)
            {
                decoded = symbol;
                return nameEnd + 1;
            }

            return i + 1;
        }

        // Legacy references without a semicolon ("&nbsp", "&copy 2026"): the longest known prefix.
        for (int len = Math.Min(name.Length, MaxLegacyName); len >= 2; len--)
        {
            if (Lookup(name[..len], semicolon: false) is { } symbol)
            {
                int after = p + len;
                if (inAttribute && after < n && (html[after] == '=' || char.IsAsciiLetterOrDigit(html[after])))
                {
                    return i + 1; // "?a=1&copy=2" in an href stays as written
                }

                decoded = symbol;
                return after;
            }
        }

        return i + 1;
    }

    private static string? Lookup(ReadOnlySpan<char> name, bool semicolon)
    {
        if (CommonBySpan.TryGetValue(name, out string? common))
        {
            return common;
        }

        return HtmlEntityProvider.Resolver.GetSymbol(semicolon ? string.Concat(name, ";") : name.ToString());
    }

    private static int Numeric(string html, int p, int n, int amp, out string? decoded)
    {
        decoded = null;
        bool hex = p < n && html[p] is 'x' or 'X';
        int start = hex ? p + 1 : p;
        int q = start;
        long value = 0;
        while (q < n && (hex ? char.IsAsciiHexDigit(html[q]) : char.IsAsciiDigit(html[q])))
        {
            if (value <= 0x10FFFF)
            {
                value = (value * (hex ? 16 : 10)) + (hex ? int.Parse(html.AsSpan(q, 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : html[q] - '0');
            }

            q++;
        }

        if (q == start)
        {
            return amp + 1;
        }

        if (q < n && html[q] == ';')
        {
            q++;
        }

        decoded = value is 0 or > 0x10FFFF || (value is >= 0xD800 and <= 0xDFFF) ? "\uFFFD"
            : value < Ascii.Length ? Ascii[value] : char.ConvertFromUtf32((int)value);
        return q;
    }
}
