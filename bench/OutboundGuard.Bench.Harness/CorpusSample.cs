using System.Text.Json;
using OutboundGuard.Scoring.Content;

namespace OutboundGuard.Bench;

/// <summary>
/// Builds the scoring sample every filter sees: every --every'th message of the SpamAssassin corpus (spam and
/// ham folders, in file order), plus --phishing generated phishing notifications, written as .eml files under
/// --out/{spam,ham,phish}; and OutboundGuard's content model trained on the corpus messages NOT in the sample
/// (--out/model.bin), so detection is measured on held-out mail. Prints JSON counts.
/// </summary>
internal static class CorpusSample
{
    public static int Run(Arguments args)
    {
        var corpus = args.Get("corpus");
        var output = args.Get("out");
        var every = Math.Max(2, args.GetInt("every", 10));
        var phishing = args.GetInt("phishing", 300);
        var limit = args.GetInt("limit", int.MaxValue);
        var trainEvery = Math.Max(1, args.GetInt("train-every", 1));
        foreach (var kind in new[] { "spam", "ham", "phish" })
        {
            Directory.CreateDirectory(Path.Combine(output, kind));
        }

        var index = 0;
        var picked = new HashSet<string>(StringComparer.Ordinal);
        int spam = 0, ham = 0;
        foreach (var (file, isSpam) in ContentModelTrainer.EnumerateCorpus(corpus))
        {
            if (index++ % every != 0 || (isSpam ? spam : ham) >= limit)
            {
                continue;
            }

            picked.Add(file);
            var kind = isSpam ? "spam" : "ham";
            var n = isSpam ? spam++ : ham++;
            File.Copy(file, Path.Combine(output, kind, $"{n:D5}.eml"), overwrite: true);
        }

        var generated = PhishingGenerator.Write(Path.Combine(output, "phish"), phishing);
        var (model, trainedSpam, trainedHam) = ContentModelTrainer.TrainFromFolder(corpus, accept: f => !picked.Contains(f) && (trainEvery == 1 || (f.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) % trainEvery == 0));
        using (var stream = File.Create(Path.Combine(output, "model.bin")))
        {
            model.Save(stream);
        }

        Console.WriteLine(JsonSerializer.Serialize(new { spam, ham, phish = generated, trained_spam = trainedSpam, trained_ham = trainedHam }));
        return spam > 0 && ham > 0 ? 0 : 1;
    }
}
