using System.Text.Json;
using System.Text.RegularExpressions;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// A multinomial naive Bayes spam classifier over hashed tokens (2^20 buckets, each token counted once
/// per message, subject tokens apart from body tokens). Trained from a corpus folder
/// (<see cref="ContentModelTrainer"/>) and retrained incrementally from ops decisions with
/// <see cref="Learn"/>; saved and loaded as JSON. Thread-safe.
/// </summary>
public sealed partial class NaiveBayesModel
{
    /// <summary>Number of hash buckets. 1,048,576.</summary>
    public const int Buckets = 1 << 20;

    /// <summary>Tokens considered per message. 2,000.</summary>
    public const int MaxTokens = 2000;

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

            double vocabulary = Math.Max(1, _spam.Count + _ham.Count);
            double logSpam = Math.Log((double)SpamMessages / (SpamMessages + HamMessages));
            double logHam = Math.Log((double)HamMessages / (SpamMessages + HamMessages));
            foreach (int t in tokens)
            {
                int s = _spam.TryGetValue(t, out int a) ? a : 0;
                int h = _ham.TryGetValue(t, out int b) ? b : 0;
                if (s == 0 && h == 0)
                {
                    continue; // unseen tokens say nothing
                }

                logSpam += Math.Log((s + 1) / (_spamTokens + vocabulary));
                logHam += Math.Log((h + 1) / (_hamTokens + vocabulary));
            }

            return 1 / (1 + Math.Exp(Math.Clamp(logHam - logSpam, -500, 500)));
        }
    }

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

    internal static HashSet<int> Tokens(string subject, string body)
    {
        var tokens = new HashSet<int>();
        foreach (Match m in Token().Matches(subject))
        {
            tokens.Add(Bucket("s:", m.Value));
        }

        foreach (Match m in Token().Matches(body))
        {
            if (tokens.Count >= MaxTokens)
            {
                break;
            }

            tokens.Add(Bucket(string.Empty, m.Value));
        }

        return tokens;
    }

    private static int Bucket(string prefix, string token)
    {
        uint h = 2166136261;
        foreach (char c in prefix)
        {
            h = (h ^ c) * 16777619;
        }

        foreach (char c in token)
        {
            h = (h ^ char.ToLowerInvariant(c)) * 16777619;
        }

        return (int)(h & (Buckets - 1));
    }

    [GeneratedRegex(@"[\p{L}\p{N}$€£%!]{2,24}")]
    private static partial Regex Token();

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
