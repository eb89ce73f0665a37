using System.Text.Json;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// A multinomial naive Bayes spam classifier over hashed tokens (2^20 buckets, each token counted once
/// per message, subject tokens apart from body tokens). Trained from a corpus folder
/// (<see cref="ContentModelTrainer"/>) and retrained incrementally from ops decisions with
/// <see cref="Learn"/>; saved and loaded as JSON. Thread-safe.
/// </summary>
public sealed class NaiveBayesModel
{
    /// <summary>Number of hash buckets. 1,048,576.</summary>
    public const int Buckets = 1 << 20;

    /// <summary>Tokens considered per message. 2,000.</summary>
    public const int MaxTokens = 2000;

    /// <summary>Body tokens read per message, repeats included (bounds the work on long repetitive text). 10,000.</summary>
    public const int MaxTokensRead = 10_000;

    private readonly Lock _lock = new();

    /// <summary>
    /// Each bucket's spam and ham counts, indexed by bucket (8 MiB, made at the first training): classifying looks a
    /// token up with one array read instead of a hash-table probe, and the array holds no references for the
    /// collector to scan. Written only under <see cref="_lock"/>; read without it.
    /// </summary>
    private BucketCounts[]? _counts;

    /// <summary>The totals as of the last completed <see cref="Learn"/>, replaced whole so that a reader sees one consistent set.</summary>
    private Totals _totals = new(0, 0, 0, 0, 0, 0);

    public int SpamMessages => Volatile.Read(ref _totals).SpamMessages;

    public int HamMessages => Volatile.Read(ref _totals).HamMessages;

    /// <summary>Whether the model has seen both classes and can classify.</summary>
    public bool IsTrained => Volatile.Read(ref _totals).IsTrained;

    /// <summary>Adds one message's text to the model as spam or ham (initial training or an ops decision).</summary>
    public void Learn(string subject, string body, bool spam)
    {
        TokenSet tokens = Tokens(subject, body);
        lock (_lock)
        {
            BucketCounts[] counts = _counts ??= new BucketCounts[Buckets];
            Totals t = _totals;
            int newBuckets = 0;
            foreach (int bucket in tokens.InOrder)
            {
                ref BucketCounts c = ref counts[bucket];
                if (spam)
                {
                    newBuckets += c.Spam == 0 ? 1 : 0;
                    c.Spam++;
                }
                else
                {
                    newBuckets += c.Ham == 0 ? 1 : 0;
                    c.Ham++;
                }
            }

            Volatile.Write(ref _totals, spam
                ? t with { SpamMessages = t.SpamMessages + 1, SpamBuckets = t.SpamBuckets + newBuckets, SpamTokens = t.SpamTokens + tokens.Count }
                : t with { HamMessages = t.HamMessages + 1, HamBuckets = t.HamBuckets + newBuckets, HamTokens = t.HamTokens + tokens.Count });
        }
    }

    /// <summary>
    /// The probability (0–1) that the text is spam; 0.5 while the model is untrained. Reads without the lock: every
    /// scoring thread classifies at once, and training (an ops decision) is rare; a message classified while one is
    /// being learned may see some of its counts a moment before the totals, which moves the result by a rounding.
    /// </summary>
    public double SpamProbability(string subject, string body)
    {
        Totals t = Volatile.Read(ref _totals);
        BucketCounts[]? counts = Volatile.Read(ref _counts);
        if (!t.IsTrained || counts is null)
        {
            return 0.5;
        }

        TokenSet tokens = Tokens(subject, body);

        // Σ log((count + 1) / (tokens + vocabulary)) per class, as Σ log(count + 1) − seen · log(tokens + vocabulary).
        double vocabulary = Math.Max(1, t.SpamBuckets + t.HamBuckets);
        double logSpam = Math.Log((double)t.SpamMessages / (t.SpamMessages + t.HamMessages));
        double logHam = Math.Log((double)t.HamMessages / (t.SpamMessages + t.HamMessages));
        double sumSpam = 0, sumHam = 0;
        int seen = 0;
        // The counts first, in a loop of loads only: they are spread over 8 MiB, and loads that do not wait on each other's
        // branches overlap their cache misses; then the sums, in the same order as always.
        ReadOnlySpan<int> buckets = tokens.InOrder;
        Span<BucketCounts> found = tokens.Counts();
        for (int k = 0; k < buckets.Length; k++)
        {
            found[k] = counts[buckets[k]];
        }

        foreach (BucketCounts c in found)
        {
            if (c.Spam == 0 && c.Ham == 0)
            {
                continue; // unseen tokens say nothing
            }

            sumSpam += LogOf(c.Spam + 1);
            sumHam += LogOf(c.Ham + 1);
            seen++;
        }

        logSpam += sumSpam - (seen * Math.Log(t.SpamTokens + vocabulary));
        logHam += sumHam - (seen * Math.Log(t.HamTokens + vocabulary));
        return 1 / (1 + Math.Exp(Math.Clamp(logHam - logSpam, -500, 500)));
    }

    private static readonly double[] SmallLogs = [.. Enumerable.Range(0, 4096).Select(n => Math.Log(n))];

    private static double LogOf(int n) => n < SmallLogs.Length ? SmallLogs[n] : Math.Log(n);

    /// <summary>Writes the model as JSON.</summary>
    public void Save(Stream stream)
    {
        ModelFile file;
        lock (_lock)
        {
            Totals t = _totals;
            file = new ModelFile
            {
                Version = 1,
                Buckets = Buckets,
                SpamMessages = t.SpamMessages,
                HamMessages = t.HamMessages,
                SpamTokens = t.SpamTokens,
                HamTokens = t.HamTokens,
                Spam = [],
                Ham = [],
            };

            BucketCounts[] counts = _counts ?? [];
            for (int bucket = 0; bucket < counts.Length; bucket++)
            {
                if (counts[bucket].Spam > 0)
                {
                    file.Spam[bucket] = counts[bucket].Spam;
                }

                if (counts[bucket].Ham > 0)
                {
                    file.Ham[bucket] = counts[bucket].Ham;
                }
            }
        }

        JsonSerializer.Serialize(stream, file);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model of this version and bucket count, or a bucket or count is out of range.</exception>
    public static NaiveBayesModel Load(Stream stream)
    {
        ModelFile file = JsonSerializer.Deserialize<ModelFile>(stream) ?? throw new InvalidDataException("empty model file");
        if (file.Version != 1 || file.Buckets != Buckets)
        {
            throw new InvalidDataException($"model file version {file.Version} with {file.Buckets} buckets is not supported (expected version 1, {Buckets} buckets)");
        }

        var counts = new BucketCounts[Buckets];
        int spamBuckets = 0, hamBuckets = 0;
        foreach ((int bucket, int n) in file.Spam)
        {
            counts[Checked(bucket, n)].Spam = n;
            spamBuckets++;
        }

        foreach ((int bucket, int n) in file.Ham)
        {
            counts[Checked(bucket, n)].Ham = n;
            hamBuckets++;
        }

        var model = new NaiveBayesModel { _counts = counts };
        model._totals = new Totals(file.SpamMessages, file.HamMessages, spamBuckets, hamBuckets, file.SpamTokens, file.HamTokens);
        return model;
    }

    private static int Checked(int bucket, int count) => bucket is >= 0 and < Buckets && count > 0
        ? bucket
        : throw new InvalidDataException($"model file has bucket {bucket} with count {count} (buckets are 0 to {Buckets - 1}, counts at least 1)");

    /// <summary>Loads a model from a file path.</summary>
    public static NaiveBayesModel Load(string path)
    {
        using FileStream s = File.OpenRead(path);
        return Load(s);
    }

    /// <summary>Saves the model to a file path.</summary>
    public void Save(string path)
    {
        using FileStream s = File.Create(path);
        Save(s);
    }

    [ThreadStatic]
    private static TokenSet? t_tokens;

    /// <summary>
    /// The distinct token buckets of a message: runs of letters, digits and $€£%! cut into pieces of 24
    /// characters, pieces shorter than 2 left out (what the pattern [\p{L}\p{N}$€£%!]{2,24} matches), lower-cased
    /// and hashed; subject tokens apart. The set is the calling thread's and is reused by its next call.
    /// </summary>
    internal static TokenSet Tokens(string subject, string body)
    {
        TokenSet tokens = t_tokens ??= new TokenSet();
        tokens.Clear();
        AddTokens(subject, SubjectSeed, tokens, int.MaxValue);
        AddTokens(body, FnvOffset, tokens, MaxTokens);
        return tokens;
    }

    /// <summary>
    /// A set of buckets that keeps the order they were first added in (the classifier sums in that order, so its
    /// result does not depend on how the set is kept): one bit per bucket and the list of buckets added, which
    /// <see cref="Clear"/> walks to unset only those bits.
    /// </summary>
    internal sealed class TokenSet
    {
        private readonly ulong[] _seen = new ulong[Buckets / 64];
        private int[] _order = new int[MaxTokens];
        private BucketCounts[] _counts = new BucketCounts[MaxTokens];
        private int _count;

        /// <summary>Room for one <see cref="BucketCounts"/> per bucket of the set, in the same order (the classifier's gather buffer).</summary>
        public Span<BucketCounts> Counts()
        {
            if (_counts.Length < _count)
            {
                _counts = new BucketCounts[_order.Length];
            }

            return _counts.AsSpan(0, _count);
        }

        public int Count => _count;

        /// <summary>The buckets in the order they were first added.</summary>
        public ReadOnlySpan<int> InOrder => _order.AsSpan(0, _count);

        public void Add(int bucket)
        {
            ref ulong word = ref _seen[bucket >> 6];
            ulong bit = 1UL << (bucket & 63);
            if ((word & bit) != 0)
            {
                return;
            }

            word |= bit;
            if (_count == _order.Length)
            {
                Array.Resize(ref _order, _order.Length * 2);
            }

            _order[_count++] = bucket;
        }

        public void Clear()
        {
            foreach (int bucket in InOrder)
            {
                _seen[bucket >> 6] = 0;
            }

            _count = 0;
        }
    }

    private const uint FnvOffset = 2166136261;

    private static readonly uint SubjectSeed = Seed("s:");

    private static uint Seed(string prefix)
    {
        uint h = FnvOffset;
        foreach (char c in prefix)
        {
            h = (h ^ c) * 16777619;
        }

        return h;
    }

    /// <summary>
    /// Adds the tokens of <paramref name="text"/> in one pass: each run of token characters is hashed as it is read,
    /// in pieces of 24 characters; a piece shorter than 2 (a one-character run or remainder) is left out.
    /// </summary>
    private static void AddTokens(string text, uint seed, TokenSet tokens, int limit)
    {
        ReadOnlySpan<char> all = text;
        int read = 0;
        int i = 0;
        while (i < all.Length)
        {
            char c = all[i++];
            if (!IsTokenChar(c))
            {
                continue;
            }

            uint h = (seed ^ Lower(c)) * 16777619;
            int length = 1;
            while (i < all.Length && IsTokenChar(c = all[i]))
            {
                i++;
                if (length == 24)
                {
                    if (tokens.Count >= limit || read++ >= MaxTokensRead)
                    {
                        return;
                    }

                    tokens.Add((int)(h & (Buckets - 1)));
                    h = seed;
                    length = 0;
                }

                h = (h ^ Lower(c)) * 16777619;
                length++;
            }

            if (length >= 2)
            {
                if (tokens.Count >= limit || read++ >= MaxTokensRead)
                {
                    return;
                }

                tokens.Add((int)(h & (Buckets - 1)));
            }
        }
    }

    /// <summary>Which ASCII characters are token characters: letters, digits, '$', '%' and '!'.</summary>
    private static readonly bool[] AsciiTokenChars = [.. Enumerable.Range(0, 128).Select(c => char.IsAsciiLetterOrDigit((char)c) || c is '$' or '%' or '!')];

    private static bool IsTokenChar(char c) => c < 128
        ? AsciiTokenChars[c]
        : char.IsLetter(c) || char.IsNumber(c) || c is '€' or '£';

    private static char Lower(char c) => c < 128 ? (char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c);

    /// <summary>The counts and buckets of both classes, and the messages learned; immutable.</summary>
    private sealed record Totals(int SpamMessages, int HamMessages, int SpamBuckets, int HamBuckets, long SpamTokens, long HamTokens)
    {
        public bool IsTrained => SpamMessages > 0 && HamMessages > 0;
    }

    /// <summary>One bucket's counts per class; a class has the bucket in its vocabulary when its count is above 0.</summary>
    internal struct BucketCounts
    {
        public int Spam;
        public int Ham;
    }

    private sealed class ModelFile
    {
        public int Version { get; set; }
        public int Buckets { get; set; }
        public int SpamMessages { get; set; }
        public int HamMessages { get; set; }
        public long SpamTokens { get; set; }
        public long HamTokens { get; set; }
        public Dictionary<int, int> Spam { get; set; } = [];
        public Dictionary<int, int> Ham { get; set; } = [];
    }
}
