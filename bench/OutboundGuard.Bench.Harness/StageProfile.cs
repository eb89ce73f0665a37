using System.Text.Json;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Bench;

/// <summary>
/// Where scoring's CPU and allocation go, stage by stage, over the sample that <see cref="CorpusSample"/> wrote: each
/// stage runs on its own over every message (its input made by the stages before it, outside the measurement), on
/// one thread, --passes times after as many untimed passes; then the whole pipeline (parse and score) the same way.
/// Per stage: microseconds of thread CPU and bytes allocated per message. Prints JSON.
/// </summary>
internal static class StageProfile
{
    public static int Run(Arguments args)
    {
        var folder = args.Get("sample");
        var passes = Math.Max(1, args.GetInt("passes", 5));
        var raw = new[] { "spam", "ham", "phish" }
            .SelectMany(kind => Directory.EnumerateFiles(Path.Combine(folder, kind)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes))
            .ToArray();
        var modelPath = Path.Combine(folder, "model.bin");
        var model = File.Exists(modelPath) ? NaiveBayesModel.Load(modelPath) : new NaiveBayesModel();
        var parsed = raw.Select(CorpusScoring.Parse).ToArray();
        var bodies = parsed.Select(m => m is null ? null : MessageBody.Read(m)).ToArray();
        var texts = parsed.Select((m, i) => m is null ? null : MessageText.From(m.Subject, bodies[i]!)).ToArray();
        var created = DateTimeOffset.UtcNow.AddDays(-365);
        var limits = new AccountLimits(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000);
        var reviews = parsed.Select((m, i) => CorpusScoring.Review(m, i, raw[i].Length, limits, created)).ToArray();
        var histories = reviews.Select(r => new AccountHistory { Now = DateTimeOffset.UtcNow, Urls = UrlExtractor.Extract(r.Content) }).ToArray();
        var content = new ContentDetector(null);
        var url = new UrlReputationDetector();
        var pipeline = ScoringPipeline.CreateDefault(new ScoringOptions(), TimeProvider.System, model);
        var findings = new List<OutboundGuard.Domain.Evidence>();

        var stages = new (string Name, Action<int> Run)[]
        {
            ("parse (MimeKit)", i => CorpusScoring.Parse(raw[i])?.Dispose()),
            ("body (decode, HTML scan)", i => { if (parsed[i] is { } m) { MessageBody.Read(m); } }),
            ("links (from the body)", i => { if (bodies[i] is { } b) { UrlExtractor.ExtractFrom(b); } }),
            ("text (from the body)", i => { if (bodies[i] is { } b) { MessageText.From(parsed[i]!.Subject, b); } }),
            ("fingerprint", i => { if (texts[i] is { } t) { BodyFingerprint.Compute(t.Subject, t.Body); } }),
            ("classifier", i => { if (texts[i] is { } t) { model.SpamProbability(t.Subject, t.Body); } }),
            ("phishing rules", i => { if (texts[i] is { } t) { PhishingRules.Match(t.Subject, t.Body); } }),
            ("content detector without the model (rules cached, headers)", i => { findings.Clear(); content.Inspect(reviews[i], histories[i], findings); }),
            ("url detector", i => { findings.Clear(); url.Inspect(reviews[i], histories[i], findings); }),
            ("whole pipeline (parse and score)", i => { using var m = CorpusScoring.Parse(raw[i]); pipeline.Score(CorpusScoring.Review(m, i, raw[i].Length, limits, created)); }),
        };

        var results = new List<object>();
        foreach (var (name, run) in stages)
        {
            for (var p = 0; p < passes; p++)
            {
                for (var i = 0; i < raw.Length; i++)
                {
                    run(i);
                }
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var paused = GC.GetTotalPauseDuration();
            var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var cpu = ThreadCpu();
            for (var p = 0; p < passes; p++)
            {
                for (var i = 0; i < raw.Length; i++)
                {
                    run(i);
                }
            }

            var n = (double)passes * raw.Length;
            var spent = (ThreadCpu() - cpu).TotalMicroseconds / n;
            results.Add(new
            {
                stage = name,
                cpu_us_per_message = spent,
                bytes_per_message = (GC.GetAllocatedBytesForCurrentThread() - allocated) / n,
                gc_pause_us_per_message = (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / n,
                collections = new[] { GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2 },
                last_promoted_mb = GC.GetGCMemoryInfo(GCKind.Ephemeral).PromotedBytes / 1048576.0,
            });
        }

        Console.WriteLine(JsonSerializer.Serialize(new { messages = raw.Length, passes, stages = results, pipeline = PipelineStages(pipeline, raw, limits, created, passes) }));
        return 0;
    }

    /// <summary>
    /// The whole pipeline's time per message by its own stages (links, fingerprint with the campaign tracker, each
    /// detector, policy), as the scoring metrics time them (wall time on this thread, listener attached), over
    /// <paramref name="passes"/> more passes; the rest of a message's time is parsing and the account trackers.
    /// </summary>
    private static Dictionary<string, double> PipelineStages(ScoringPipeline pipeline, byte[][] raw, AccountLimits limits, DateTimeOffset created, int passes)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == ScoringMetrics.StageDurationName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ScoringMetrics.StageTag && tag.Value is string stage)
                {
                    seconds[stage] = seconds.GetValueOrDefault(stage) + value;
                }
            }
        });
        listener.Start();
        for (var p = 0; p < passes; p++)
        {
            for (var i = 0; i < raw.Length; i++)
            {
                using var m = CorpusScoring.Parse(raw[i]);
                pipeline.Score(CorpusScoring.Review(m, i, raw[i].Length, limits, created));
            }
        }

        var n = (double)passes * raw.Length;
        return seconds.OrderByDescending(kv => kv.Value).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value * 1e6 / n, 1));
    }

    /// <summary>This thread's CPU time (user and system), from /proc/thread-self/stat.</summary>
    internal static TimeSpan ThreadCpu()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
