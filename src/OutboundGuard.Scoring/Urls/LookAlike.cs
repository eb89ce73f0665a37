using System.Text;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// Tells whether a domain imitates a protected brand: the label is folded to a "skeleton" (confusable
/// Cyrillic/Greek letters to Latin, digits that read as letters, "rn" to "m", "vv" to "w", hyphens dropped)
/// and then compared with each brand: equal, containing it as a token (or inside the label for brands of 6 letters
/// or more), or within a small edit distance (1 for brands of 6–8 letters, 2 beyond; shorter brands only by
/// skeleton equality, as "apply" is one edit from "apple").
/// </summary>
public static class LookAlike
{
    private static readonly Dictionary<char, char> Confusables = new()
    {
        // Cyrillic
        ['а'] = 'a', ['е'] = 'e', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['у'] = 'y', ['х'] = 'x', ['і'] = 'i', ['ј'] = 'j',
        ['ԁ'] = 'd', ['һ'] = 'h', ['ѕ'] = 's', ['ԛ'] = 'q', ['ԝ'] = 'w', ['к'] = 'k', ['м'] = 'm', ['т'] = 't', ['в'] = 'b', ['н'] = 'h',
        ['ӏ'] = 'l',
        // Greek
        ['α'] = 'a', ['ο'] = 'o', ['ν'] = 'v', ['τ'] = 't', ['ι'] = 'i', ['κ'] = 'k', ['ρ'] = 'p', ['ε'] = 'e', ['υ'] = 'u', ['χ'] = 'x',
        // Latin look-alikes and digits
        ['ɡ'] = 'g', ['ɑ'] = 'a', ['ı'] = 'i', ['ł'] = 'l', ['ø'] = 'o', ['ö'] = 'o', ['ó'] = 'o', ['á'] = 'a', ['à'] = 'a', ['ä'] = 'a',
        ['é'] = 'e', ['è'] = 'e', ['í'] = 'i', ['ü'] = 'u', ['ú'] = 'u', ['ç'] = 'c', ['ñ'] = 'n',
        ['0'] = 'o', ['1'] = 'l', ['3'] = 'e', ['4'] = 'a', ['5'] = 's', ['7'] = 't', ['8'] = 'b', ['|'] = 'l',
    };

    /// <summary>The comparable skeleton of a domain label (or display name): folded, lower-case, letters only.</summary>
    public static string Skeleton(string label)
    {
        var sb = new StringBuilder(label.Length);
        foreach (char raw in label.ToLowerInvariant())
        {
            char c = Confusables.TryGetValue(raw, out char folded) ? folded : raw;
            if (c == 'i')
            {
                c = 'l'; // i, l, 1 and | all read alike
            }

            if (c is >= 'a' and <= 'z')
            {
                sb.Append(c);
            }
        }

        return sb.Replace("rn", "m").Replace("vv", "w").ToString();
    }

    /// <summary>The skeleton of a protected brand's name, made once per brand: every display name and link domain is compared with every brand.</summary>
    public static string BrandSkeleton(string brand) => BrandSkeletons.Get(brand);

    private static readonly HostCache<string> BrandSkeletons = new(Skeleton, 1024);

    /// <summary>
    /// Whether <paramref name="registrableDomain"/> (Unicode or ASCII) imitates <paramref name="brand"/>;
    /// the caller has already excluded the brand's own domains.
    /// </summary>
    public static bool Imitates(string registrableDomain, string brand)
    {
        string label = PublicSuffixes.Label(registrableDomain);
        string s = Skeleton(label);
        string b = BrandSkeleton(brand);
        if (b.Length < 4 || s.Length == 0)
        {
            return false;
        }

        if (s == b)
        {
            return true;
        }

        // "outlook-verify", "secure-paypal": the brand as a whole token, or inside a longer label for brands
        // long enough not to occur in ordinary words (a 5-letter brand such as "chase" is in "purchase").
        foreach (string token in label.Split('-', '_'))
        {
            if (Skeleton(token) == b)
            {
                return true;
            }
        }

        if (b.Length >= 6 && s.Contains(b, StringComparison.Ordinal))
        {
            return true;
        }

        int allowed = b.Length >= 9 ? 2 : b.Length >= 6 ? 1 : 0;
        return allowed > 0 && Math.Abs(s.Length - b.Length) <= allowed && EditDistance(s, b) <= allowed;
    }

    /// <summary>Levenshtein distance.</summary>
    public static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
