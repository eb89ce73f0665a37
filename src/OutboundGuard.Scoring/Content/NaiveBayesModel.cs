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
    private readonly Dictionary<int, int> _spam = [];
    private readonly Dictionary<int, int> _ham = [];
    private long _spamTokens;
    private long _hamTokens;

    public int SpamMessages { get; private set; }

    public int HamMessages { get; private set; }

    /// <summary>Whether the model has seen both classes and can classify.</summary>
    public bool IsTrained => SpamMessages > 0 && HamMessages > 0;

    /// <summary>Adds one message's text to the model as spam or ham (initial training or an ops decision).</summary>
    public void Learn(string subject, string body, bool spam)
    {
        HashSet<int> tokens = Tokens(subject, body);
        lock (_lock)
        {
            Dictionary<int, int> counts = spam ? _spam : _ham;
            foreach (int t in tokens)
            {
                counts[t] = counts.TryGetValue(t, out int n) ? n + 1 : 1;
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
        HashSet<int> tokens = Tokens(subject, body);
        lock (_lock)
        {
            if (!IsTrained)
            {
                return 0.5;
            }

            // Σ log((count + 1) / (tokens + vocabulary)) per class, as Σ log(count + 1) − seen · log(tokens + vocabulary).
            double vocabulary = Math.Max(1, _spam.Count + _ham.Count);
            double logSpam = Math.Log((double)SpamMessages / (SpamMessages + HamMessages));
            double logHam = Math.Log((double)HamMessages / (SpamMessages + HamMessages));
            double sumSpam = 0, sumHam = 0;
            int seen = 0;
            foreach (int t in tokens)
            {
                int s = _spam.TryGetValue(t, out int a) ? a : 0;
                int h = _ham.TryGetValue(t, out int b) ? b : 0;
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
                Spam = new Dictionary<int, int>(_spam),
                Ham = new Dictionary<int, int>(_ham),
            };
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
            model._spam[k] = v;
        }

        foreach ((int k, int v) in file.Ham)
        {
            model._ham[k] = v;
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
    private static HashSet<int>? t_tokens;

    /// <summary>
    /// The distinct token buckets of a message: runs of letters, digits and $€£%! cut into pieces of 24
    /// characters, pieces shorter than 2 left out (what the pattern [\p{L}\p{N}$€£%!]{2,24} matches), lower-cased
    /// and hashed; subject tokens apart. The set is the calling thread's and is reused by its next call.
    /// </summary>
    internal static HashSet<int> Tokens(string subject, string body)
    {
        HashSet<int> tokens = t_tokens ??= new HashSet<int>(MaxTokens);
        tokens.Clear();
        AddTokens(subject, SubjectSeed, tokens, int.MaxValue);
        AddTokens(body, FnvOffset, tokens, MaxTokens);
        return tokens;
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

    private static void AddTokens(string text, uint seed, HashSet<int> tokens, int limit)
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
