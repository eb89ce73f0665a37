using System.Numerics;
using System.Text.RegularExpressions;

namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// A 64-bit simhash of the normalised body: URLs, e-mail addresses, numbers, dates and long random-looking
/// tokens are replaced by placeholders and greetings' names folded, so the same template with a different
/// name, link or tracking id gives a fingerprint a few bits away; different texts land about 32 bits apart.
/// Features are word 3-shingles.
/// </summary>
public static partial class BodyFingerprint
{
    /// <summary>Fingerprints at most this many bits apart are the same campaign. 6.</summary>
    public const int SameCampaignDistance = 6;

    /// <summary>Bodies with fewer words than this get no fingerprint (too short to tell templates apart). 8.</summary>
    public const int MinWords = 8;

    private static readonly HashSet<string> DateWords = new(StringComparer.Ordinal)
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "tonight",
    };

    /// <summary>The normalised words of a text.</summary>
    public static List<string> Normalise(string text)
    {
        string t = Url().Replace(text, " URL ");
        t = Email().Replace(t, " EMAIL ");
        var words = new List<string>();
        foreach (Match m in Word().Matches(t))
        {
            string w = m.Value;
            if (w is "URL" or "EMAIL")
            {
                words.Add(w);
                continue;
            }

            w = w.ToLowerInvariant();
            if (DateWords.Contains(w))
            {
                w = "DATE";
            }
            else if (w.Any(char.IsDigit))
            {
                w = "#";
            }
            else if (w.Length > 20)
            {
                w = "TOKEN";
            }

            // "Dear Alice," / "Hi Bob": the word after a greeting is a name.
            if (words.Count > 0 && words[^1] is "dear" or "hi" or "hello" or "hey")
            {
                w = "NAME";
            }

            words.Add(w);
        }

        return words;
    }

    /// <summary>The simhash of <paramref name="text"/>, or null when it has fewer than <see cref="MinWords"/> words.</summary>
    public static ulong? Compute(string subject, string text)
    {
        List<string> words = Normalise(subject + " \n " + text);
        if (words.Count < MinWords)
        {
            return null;
        }

        var wordHashes = new ulong[words.Count];
        for (int i = 0; i < words.Count; i++)
        {
            wordHashes[i] = Fnv(words[i]);
        }

        Span<int> v = stackalloc int[64];
        for (int i = 0; i + 2 < wordHashes.Length; i++)
        {
            ulong h = Mix(wordHashes[i] ^ (wordHashes[i + 1] * 31) ^ (wordHashes[i + 2] * 1_000_003));
            for (int b = 0; b < 64; b++)
            {
                v[b] += (int)((h >> b) & 1) * 2 - 1;
            }
        }

        ulong result = 0;
        for (int b = 0; b < 64; b++)
        {
            if (v[b] > 0)
            {
                result |= 1UL << b;
            }
        }

        return result;
    }

    /// <summary>Bits that differ between two fingerprints.</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>A fingerprint of the set of link domains (order-free), or 0 for no links.</summary>
    public static ulong OfUrlSet(IEnumerable<string> registrableDomains)
    {
        ulong h = 0;
        foreach (string d in registrableDomains.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            h ^= Mix(Fnv(d.ToLowerInvariant()));
        }

        return h;
    }

    private static ulong Fnv(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }

        return h;
    }

    private static ulong Mix(ulong z)
    {
        // splitmix64 finaliser: spreads every input bit over the output so simhash bits are independent.
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    [GeneratedRegex(@"(?:https?://|www\.)\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"[\p{L}\p{N}_']+")]
    private static partial Regex Word();
}
