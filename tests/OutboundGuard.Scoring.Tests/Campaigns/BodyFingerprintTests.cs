using OutboundGuard.Scoring.Campaigns;

namespace OutboundGuard.Scoring.Tests.Campaigns;

public class BodyFingerprintTests
{
    private static string Template(string name, string link, string date) =>
        $"Dear {name}, your mailbox storage is almost full. To keep receiving messages please confirm your account at {link} " +
        $"before {date}. Failure to do so within 24 hours will lead to the loss of incoming mail. Regards, the IT service desk team.";

    [Fact]
    public void The_same_template_with_other_names_links_and_numbers_is_within_the_campaign_distance()
    {
        ulong a = BodyFingerprint.Compute("Mailbox full", Template("Alice", "https://a.example/x?id=123", "12 May"))!.Value;
        ulong b = BodyFingerprint.Compute("Mailbox full", Template("Robert", "https://b.example/track/98765", "3 June"))!.Value;
        Assert.InRange(BodyFingerprint.Distance(a, b), 0, BodyFingerprint.SameCampaignDistance);
    }

    [Fact]
    public void Different_texts_are_far_apart()
    {
        ulong a = BodyFingerprint.Compute("Mailbox full", Template("Alice", "https://a.example/", "12 May"))!.Value;
        ulong b = BodyFingerprint.Compute("Lunch", "Hi Alice, are we still on for lunch on Thursday? The new place near the office has good soup and it is not too expensive either.")!.Value;
        Assert.True(BodyFingerprint.Distance(a, b) > 16, $"distance {BodyFingerprint.Distance(a, b)}");
    }

    [Fact]
    public void Very_short_bodies_have_no_fingerprint()
    {
        Assert.Null(BodyFingerprint.Compute("ok", "thanks"));
    }

    [Fact]
    public void The_url_set_fingerprint_ignores_order_and_duplicates()
    {
        Assert.Equal(BodyFingerprint.OfUrlSet(["a.example", "b.example"]), BodyFingerprint.OfUrlSet(["b.example", "a.example", "A.example"]));
        Assert.Equal(0UL, BodyFingerprint.OfUrlSet([]));
    }

    [Theory]
    [InlineData("Mailbox full", "Dear Alice, your mailbox at alice@corp.example is 98% full: see https://x.example/q?id=1 before Monday 12 May.")]
    [InlineData("Hi", "Hi Hey Bob, hello  dear\tJOHN_doe's naïve ÉCOLE Straße ΣΊΣΥΦΟΣ 𐐀𐐁 ١٢٣ averyveryverylongtokenwithoutdigits0 www.a.example x@y.z @notmail")]
    [InlineData("", "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen")]
    [InlineData("Quarterly figures", "--- ((( ))) ... hi, dear: tomorrow!! TONIGHT? Sept. 2026-11-23 <b>bold</b> l'été it's fine_ok")]
    public void The_fingerprint_is_the_simhash_of_the_normalised_word_shingles(string subject, string text)
        => AssertDefinition(subject, text);

    [Fact]
    public void A_long_body_is_fingerprinted_on_its_first_words()
    {
        string body = string.Concat(Enumerable.Range(0, 3000).Select(i => $"Word{i % 7} line {(char)('a' + (i % 26))}bc Dear Ann, "));
        AssertDefinition("Long", body);
        Assert.Equal(BodyFingerprint.Compute("Long", body), BodyFingerprint.Compute("Long", body + " a different tail of many more words"));
    }

    private static void AssertDefinition(string subject, string text)
    {
        // The definition: word 3-shingles of Normalise(subject + body), FNV-1a per word, splitmix64 per shingle.
        List<string> words = BodyFingerprint.Normalise(subject + " \n " + text);
        words = words[..Math.Min(words.Count, BodyFingerprint.MaxWords)];
        ulong? expected = null;
        if (words.Count >= BodyFingerprint.MinWords)
        {
            var v = new int[64];
            for (int i = 0; i + 2 < words.Count; i++)
            {
                ulong h = Mix(Fnv(words[i]) ^ (Fnv(words[i + 1]) * 31) ^ (Fnv(words[i + 2]) * 1_000_003));
                for (int b = 0; b < 64; b++)
                {
                    v[b] += (int)((h >> b) & 1) * 2 - 1;
                }
            }

            expected = 0;
            for (int b = 0; b < 64; b++)
            {
                expected |= v[b] > 0 ? 1UL << b : 0;
            }
        }

        Assert.Equal(expected, BodyFingerprint.Compute(subject, text));

        static ulong Fnv(string s)
        {
            ulong h = 14695981039346656037UL;
            foreach (char c in s)
            {
                h = (h ^ c) * 1099511628211UL;
            }

            return h;
        }

        static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
            return z ^ (z >> 31);
        }
    }
}
