using System.Numerics;
using System.Runtime.Intrinsics;

namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// A 64-bit simhash of the normalised body: URLs, e-mail addresses, numbers, dates and long random-looking
/// tokens are replaced by placeholders and greetings' names folded, so the same template with a different
/// name, link or tracking id gives a fingerprint a few bits away; different texts land about 32 bits apart.
/// Features are word 3-shingles.
/// </summary>
public static class BodyFingerprint
{
    /// <summary>Fingerprints at most this many bits apart are the same campaign. 6.</summary>
    public const int SameCampaignDistance = 6;

    /// <summary>Bodies with fewer words than this get no fingerprint (too short to tell templates apart). 8.</summary>
    public const int MinWords = 8;

    /// <summary>Words of the subject and body read at most: a template is told by its beginning, and the work stays bounded. 4,096.</summary>
    public const int MaxWords = 4096;

    private static readonly HashSet<string> DateWords = new(StringComparer.Ordinal)
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "tonight",
    };

    /// <summary>The normalised words of a text.</summary>
    public static List<string> Normalise(string text)
    {
        var words = new List<string>();
        var scanner = new BodyWords(text);
        while (scanner.Next(out BodyWords.Kind kind, out ReadOnlySpan<char> word))
        {
            words.Add(kind switch
            {
                BodyWords.Kind.Url => "URL",
                BodyWords.Kind.Email => "EMAIL",
                _ => Fold(word, words),
            });
        }

        return words;
    }

    private static string Fold(ReadOnlySpan<char> word, List<string> previous)
    {
        // "Dear Alice," / "Hi Bob": the word after a greeting is a name.
        if (previous.Count > 0 && previous[^1] is "dear" or "hi" or "hello" or "hey")
        {
            return "NAME";
        }

        foreach (char c in word)
        {
            if (char.IsDigit(c))
            {
                return "#";
            }
        }

        if (word.Length > 20)
        {
            return "TOKEN";
        }

        string w = word.ToString().ToLowerInvariant();
        return DateWords.Contains(w) ? "DATE" : w;
    }

    /// <summary>The simhash of <paramref name="text"/>, or null when it has fewer than <see cref="MinWords"/> words.</summary>
    public static ulong? Compute(string subject, string text) => Compute(subject, text, out _);

    /// <summary>The simhash of <paramref name="text"/>, or null when it has fewer than <see cref="MinWords"/> words; <paramref name="words"/> is how many it read.</summary>
    public static ulong? Compute(string subject, string text, out int words)
    {
        // The words of Normalise(subject + " \n " + text), hashed as they are found: no word strings, no lists.
        var shingles = new Shingles();
        Span<Vector256<int>> v = stackalloc Vector256<int>[8];
        v.Clear();
        Feed(subject, ref shingles, v);
        Feed(text, ref shingles, v);
        words = shingles.Words;
        if (shingles.Words < MinWords)
        {
            return null;
        }

        ulong result = 0;
        for (int b = 0; b < 64; b++)
        {
            if (v[b >> 3][b & 7] > 0)
            {
                result |= 1UL << b;
            }
        }

        return result;
    }

    private static readonly ulong UrlHash = Fnv("URL");
    private static readonly ulong EmailHash = Fnv("EMAIL");
    private static readonly ulong NameHash = Fnv("NAME");
    private static readonly ulong NumberHash = Fnv("#");
    private static readonly ulong TokenHash = Fnv("TOKEN");
    private static readonly ulong DateHash = Fnv("DATE");
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> DateWordsBySpan = DateWords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> DateWordsIgnoringCase = new HashSet<string>(DateWords, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<ulong> DateHashes = [.. DateWords.Select(w => Fnv(w))];
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> GreetingsIgnoringCase = new HashSet<string>(["dear", "hi", "hello", "hey"], StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<ulong> GreetingHashes = [Fnv("dear"), Fnv("hi"), Fnv("hello"), Fnv("hey")];

    /// <summary>
    /// A 1,024-bit filter of the date and greeting hashes (bit: the hash's low ten bits): nearly every word is told
    /// apart from them by one bit, without the two set lookups.
    /// </summary>
    private static readonly ulong[] SpecialHashBits = FilterOf([.. DateHashes, .. GreetingHashes]);

    private static ulong[] FilterOf(IEnumerable<ulong> hashes)
    {
        var bits = new ulong[16];
        foreach (ulong h in hashes)
        {
            bits[(int)(h >> 6) & 15] |= 1UL << (int)(h & 63);
        }

        return bits;
    }

    /// <summary>For each byte value, its eight bits as +1 (set) or -1 (clear), lowest bit first.</summary>
    private static readonly Vector256<int>[] ByteSigns = [.. Enumerable.Range(0, 256).Select(b =>
        Vector256.Create(Enumerable.Range(0, 8).Select(k => ((b >> k) & 1) * 2 - 1).ToArray()))];

    /// <summary>The last two word hashes, the word count and whether the last word was a greeting.</summary>
    private struct Shingles
    {
        public ulong Previous2;
        public ulong Previous1;
        public int Words;
        public bool AfterGreeting;

        public void Add(ulong word, Span<Vector256<int>> v)
        {
            if (Words >= MaxWords)
            {
                return;
            }

            if (Words >= 2)
            {
                // Each of the 64 counters moves by +1 for a set bit and -1 for a clear one: eight bytes, eight lanes each.
                ulong h = Mix(Previous2 ^ (Previous1 * 31) ^ (word * 1_000_003));
                Vector256<int>[] signs = ByteSigns;
                for (int j = 0; j < 8; j++)
                {
                    v[j] += signs[(int)(h >> (8 * j)) & 0xFF];
                }
            }

            Previous2 = Previous1;
            Previous1 = word;
            Words++;
        }
    }

    /// <summary>The same words as <see cref="Normalise"/>, streamed into <paramref name="shingles"/>.</summary>
    private static void Feed(string text, ref Shingles shingles, Span<Vector256<int>> v)
    {
        Span<char> lower = stackalloc char[20];
        var scanner = new BodyWords(text);
        while (shingles.Words < MaxWords && scanner.Next(out BodyWords.Kind kind, out ReadOnlySpan<char> word))
        {
            bool afterGreeting = shingles.AfterGreeting;
            shingles.AfterGreeting = false;
            if (kind == BodyWords.Kind.Url)
            {
                shingles.Add(UrlHash, v);
            }
            else if (kind == BodyWords.Kind.Email)
            {
                shingles.Add(EmailHash, v);
            }
            else if (afterGreeting)
            {
                shingles.Add(NameHash, v);
            }
            else if (TryHashAscii(word, out ulong hash, out bool digit))
            {
                if (digit)
                {
                    shingles.Add(NumberHash, v);
                }
                else if (word.Length > 20)
                {
                    shingles.Add(TokenHash, v);
                }
                else
                {
                    // A bit of the filter first, then the hashes, the words themselves only on a hash match.
                    bool special = (SpecialHashBits[(int)(hash >> 6) & 15] & (1UL << (int)(hash & 63))) != 0;
                    shingles.AfterGreeting = special && GreetingHashes.Contains(hash) && GreetingsIgnoringCase.Contains(word);
                    shingles.Add(special && DateHashes.Contains(hash) && DateWordsIgnoringCase.Contains(word) ? DateHash : hash, v);
                }
            }
            else if (HasDigit(word))
            {
                shingles.Add(NumberHash, v);
            }
            else if (word.Length > 20)
            {
                shingles.Add(TokenHash, v);
            }
            else
            {
                ReadOnlySpan<char> folded = lower[..word.ToLowerInvariant(lower)];
                shingles.AfterGreeting = folded is "dear" or "hi" or "hello" or "hey";
                shingles.Add(DateWordsBySpan.Contains(folded) ? DateHash : Fnv(folded), v);
            }
        }
    }

    /// <summary>For an ASCII word: the FNV-1a hash of its lower-case form and whether it has a digit; false for other words.</summary>
    private static bool TryHashAscii(ReadOnlySpan<char> word, out ulong hash, out bool digit)
    {
        ulong h = 14695981039346656037UL;
        digit = false;
        foreach (char c in word)
        {
            if (c >= 0x80)
            {
                hash = 0;
                return false;
            }

            digit |= char.IsAsciiDigit(c);
            h = (h ^ (char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c)) * 1099511628211UL;
        }

        hash = h;
        return true;
    }

    private static bool HasDigit(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
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

    private static ulong Fnv(ReadOnlySpan<char> s)
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
}
