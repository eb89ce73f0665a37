using System.Runtime.InteropServices;
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
    /// <summary>Each bucket's spam and ham counts in one entry: classifying looks each token up once, not once per class.</summary>
    private readonly Dictionary<int, BucketCounts> _counts = [];
    private int _spamBuckets;
    private int _hamBuckets;
    private long _spamTokens;
    private long _hamTokens;

    public int SpamMessages { get; private set; }

    public int HamMessages { get; private set; }

    /// <summary>Whether the model has seen both classes and can classify.</summary>
    public bool IsTrained => SpamMessages > 0 && HamMessages > 0;

    /// <summary>Adds one message's text to the model as spam or ham (initial training or an ops decision).</summary>
    public void Learn(string subject, string body, bool spam)
    {
        TokenSet tokens = Tokens(subject, body);
        lock (_lock)
        {
            foreach (int t in tokens.InOrder)
            {
                ref BucketCounts counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, t, out _);
                if (spam)
                {
                    _spamBuckets += counts.InSpam ? 0 : 1;
                    counts.InSpam = true;
                    counts.Spam++;
                }
                else
                {
                    _hamBuckets += counts.InHam ? 0 : 1;
                    counts.InHam = true;
                    counts.Ham++;
                }
            }

            if (spam)
            {
                SpamMessages++;
                _spamTokens += tokens.Count;
            }
            else
            {
                HamMessages++;
                _hamTokens += tokens.Count;
            }
        }
    }

    /// <summary>The probability (0–1) that the text is spam; 0.5 while the model is untrained.</summary>
    public double SpamProbability(string subject, string body)
    {
        TokenSet tokens = Tokens(subject, body);
        lock (_lock)
        {
            if (!IsTrained)
            {
                return 0.5;
            }

            // Σ log((count + 1) / (tokens + vocabulary)) per class, as Σ log(count + 1) − seen · log(tokens + vocabulary).
            double vocabulary = Math.Max(1, _spamBuckets + _hamBuckets);
            double logSpam = Math.Log((double)SpamMessages / (SpamMessages + HamMessages));
            double logHam = Math.Log((double)HamMessages / (SpamMessages + HamMessages));
            double sumSpam = 0, sumHam = 0;
            int seen = 0;
            foreach (int t in tokens.InOrder)
            {
                _counts.TryGetValue(t, out BucketCounts counts);
                int s = counts.Spam;
                int h = counts.Ham;
                if (s == 0 && h == 0)
                {
                    continue; // unseen tokens say nothing
                }

                sumSpam += LogOf(s + 1);
                sumHam += LogOf(h + 1);
                seen++;
            }

            logSpam += sumSpam - (seen * Math.Log(_spamTokens + vocabulary));
            logHam += sumHam - (seen * Math.Log(_hamTokens + vocabulary));
            return 1 / (1 + Math.Exp(Math.Clamp(logHam - logSpam, -500, 500)));
        }
    }

    private static readonly double[] SmallLogs = [.. Enumerable.Range(0, 4096).Select(n => Math.Log(n))];

    private static double LogOf(int n) => n < SmallLogs.Length ? SmallLogs[n] : Math.Log(n);

    /// <summary>Writes the model as JSON.</summary>
    public void Save(Stream stream)
    {
        ModelFile file;
        lock (_lock)
        {
            file = new ModelFile
            {
                Version = 1,
                Buckets = Buckets,
                SpamMessages = SpamMessages,
                HamMessages = HamMessages,
                SpamTokens = _spamTokens,
                HamTokens = _hamTokens,
                Spam = [],
                Ham = [],
            };

            foreach ((int bucket, BucketCounts counts) in _counts)
            {
                if (counts.InSpam)
                {
                    file.Spam[bucket] = counts.Spam;
                }

                if (counts.InHam)
                {
                    file.Ham[bucket] = counts.Ham;
                }
            }
        }

        JsonSerializer.Serialize(stream, file);
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model of this version and bucket count.</exception>
    public static NaiveBayesModel Load(Stream stream)
    {
        ModelFile file = JsonSerializer.Deserialize<ModelFile>(stream) ?? throw new InvalidDataException("empty model file");
        if (file.Version != 1 || file.Buckets != Buckets)
        {
            throw new InvalidDataException($"model file version {file.Version} with {file.Buckets} buckets is not supported (expected version 1, {Buckets} buckets)");
        }

        var model = new NaiveBayesModel { SpamMessages = file.SpamMessages, HamMessages = file.HamMessages };
        model._spamTokens = file.SpamTokens;
        model._hamTokens = file.HamTokens;
        foreach ((int k, int v) in file.Spam)
        {
            ref BucketCounts counts = ref CollectionsMarshal.GetValueRefOrAddDefault(model._counts, k, out _);
            counts.Spam = v;
            counts.InSpam = true;
            model._spamBuckets++;
        }

        foreach ((int k, int v) in file.Ham)
        {
            ref BucketCounts counts = ref CollectionsMarshal.GetValueRefOrAddDefault(model._counts, k, out _);
            counts.Ham = v;
            counts.InHam = true;
            model._hamBuckets++;
        }

        return model;
    }

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
        private int _count;

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

    private static void AddTokens(string text, uint seed, TokenSet tokens, int limit)
    {
        ReadOnlySpan<char> all = text;
        int i = 0;
        int read = 0;
        while (i < all.Length)
        {
            if (!IsTokenChar(all[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < all.Length && IsTokenChar(all[i]))
            {
                i++;
            }

            for (int piece = start; piece < i; piece += 24)
            {
                int length = Math.Min(24, i - piece);
                if (length < 2)
                {
                    break;
                }

                if (tokens.Count >= limit || read++ >= MaxTokensRead)
                {
                    return;
                }

                uint h = seed;
                foreach (char c in all.Slice(piece, length))
                {
                    char lower = c < 128 ? (char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c) : char.ToLowerInvariant(c);
                    h = (h ^ lower) * 16777619;
                }

                tokens.Add((int)(h & (Buckets - 1)));
            }
        }
    }

    private static bool IsTokenChar(char c) => c < 128
        ? char.IsAsciiLetterOrDigit(c) || c is '$' or '%' or '!'
        : char.IsLetter(c) || char.IsNumber(c) || c is '€' or '£';

    /// <summary>One bucket's counts per class, and whether the class has the bucket at all (the vocabulary counts buckets per class).</summary>
    private struct BucketCounts
    {
        public int Spam;
        public int Ham;
        public bool InSpam;
        public bool InHam;
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
