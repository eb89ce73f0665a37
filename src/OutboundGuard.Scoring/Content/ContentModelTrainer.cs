using MimeKit;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// Trains a <see cref="NaiveBayesModel"/> from a folder of messages: every sub-folder whose name contains
/// "spam" holds spam, one whose name contains "ham" holds ham (the layout of the SpamAssassin corpus that
/// scripts/fetch-corpus.sh installs: data/easy-ham-1, hard-ham-1, spam-2, …). Messages are raw RFC 5322 files
/// (*.txt, *.eml or no extension), optionally starting with an mbox "From " line.
/// </summary>
public static class ContentModelTrainer
{
    /// <summary>Limits for parsing untrusted corpus and message files.</summary>
    public static ParserOptions ParserOptions { get; } = new() { MaxMimeDepth = 16, RespectContentLength = false };

    /// <summary>Trains <paramref name="model"/> (a new one when null) from <paramref name="root"/>; returns it with the counts learned.</summary>
    /// <param name="root">The corpus folder.</param>
    /// <param name="model">A model to extend, or null.</param>
    /// <param name="accept">Chooses which files to learn (e.g. to hold out a test share); null learns all.</param>
    public static (NaiveBayesModel Model, int Spam, int Ham) TrainFromFolder(string root, NaiveBayesModel? model = null, Func<string, bool>? accept = null)
    {
        model ??= new NaiveBayesModel();
        int spam = 0, ham = 0;
        foreach ((string file, bool isSpam) in EnumerateCorpus(root))
        {
            if (accept is not null && !accept(file))
            {
                continue;
            }

            using MimeMessage? message = TryLoad(file);
            if (message is null)
            {
                continue;
            }

            MessageText text = MessageText.Of(message);
            model.Learn(text.Subject, text.Body, isSpam);
            if (isSpam)
            {
                spam++;
            }
            else
            {
                ham++;
            }
        }

        return (model, spam, ham);
    }

    /// <summary>The message files of a corpus folder with their class (true for spam).</summary>
    public static IEnumerable<(string File, bool Spam)> EnumerateCorpus(string root)
    {
        foreach (string dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir).ToLowerInvariant();
            bool isSpam = name.Contains("spam", StringComparison.Ordinal);
            bool isHam = name.Contains("ham", StringComparison.Ordinal);
            if (isSpam == isHam)
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                string ext = Path.GetExtension(file).ToLowerInvariant();
                if (ext is ".txt" or ".eml" or "")
                {
                    yield return (file, isSpam);
                }
            }
        }
    }

    /// <summary>Parses one message file, skipping a leading mbox "From " line; null when it cannot be parsed.</summary>
    public static MimeMessage? TryLoad(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        int start = 0;
        if (bytes.Length > 5 && bytes.AsSpan(0, 5).SequenceEqual("From "u8))
        {
            int nl = Array.IndexOf(bytes, (byte)'\n');
            start = nl < 0 ? bytes.Length : nl + 1;
        }

        try
        {
            using var stream = new MemoryStream(bytes, start, bytes.Length - start, writable: false);
            return MimeMessage.Load(ParserOptions, stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
