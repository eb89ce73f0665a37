using BenchmarkDotNet.Attributes;
using MimeKit;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Benchmarks;

/// <summary>MIME parse, URL extraction, each detector, the policy, and the whole pipeline per message.</summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private byte[] _raw = [];
    private MimeMessage _parsed = null!;
    private MessageUnderReview _review = null!;
    private AccountHistory _history = null!;
    private ScoringPipeline _pipeline = null!;
    private ScoringPolicy _policy = null!;
    private List<OutboundGuard.Domain.Evidence> _findings = [];
    private IDetector[] _detectors = [];
    private long _account;

    [Params(10 * 1024, 100 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = Messages.Typical(Size);
        _parsed = Messages.Parse(_raw);
        _review = Messages.Review(_parsed, 1, _raw.Length);
        var urls = new UrlReputationOptions();
        _detectors =
        [
            new RateDetector(), new VolumeDetector(), new ConcurrencyDetector(), new UrlReputationDetector(urls),
            new ContentDetector(null, urls), new CampaignDetector(), new LinkedAccountsDetector(), new DownstreamFeedbackDetector(),
        ];
        var tracker = new AccountActivityTracker(TimeProvider.System);
        _history = tracker.RecordAttempt(_review) with { Urls = UrlExtractor.Extract(_parsed) };
        _policy = new ScoringPolicy(new ScoringOptions());
        _pipeline = ScoringPipeline.CreateDefault(new ScoringOptions(), TimeProvider.System);
        _findings = [];
        foreach (var detector in _detectors)
        {
            detector.Inspect(_review, _history, _findings);
        }
    }

    [Benchmark(Description = "MIME parse")]
    public MimeMessage ParseMime() => Messages.Parse(_raw);

    [Benchmark(Description = "URL extraction (decode parts, scan HTML, normalise links; uncached)")]
    public int ExtractUrls() => UrlExtractor.ExtractFrom(MessageBody.Read(_parsed)).Count;

    [Benchmark(Description = "detector: rate")]
    public int Rate() => Inspect(0);

    [Benchmark(Description = "detector: volume")]
    public int Volume() => Inspect(1);

    [Benchmark(Description = "detector: concurrency")]
    public int Concurrency() => Inspect(2);

    [Benchmark(Description = "detector: url reputation")]
    public int UrlReputation() => Inspect(3);

    [Benchmark(Description = "detector: content")]
    public int Content() => Inspect(4);

    [Benchmark(Description = "detector: campaign")]
    public int Campaign() => Inspect(5);

    [Benchmark(Description = "detector: linked accounts")]
    public int Linked() => Inspect(6);

    [Benchmark(Description = "detector: downstream feedback")]
    public int Downstream() => Inspect(7);

    [Benchmark(Description = "policy")]
    public Verdict Policy() => _policy.Decide(_review.Account, _findings, _history.Now, remember: false);

    [Benchmark(Description = "whole pipeline (parse + score)")]
    public Verdict Pipeline()
    {
        // A new established account per call, as for a stream of ordinary senders.
        var review = Messages.Review(Messages.Parse(_raw), ++_account, _raw.Length);
        return _pipeline.Score(review);
    }

    private int Inspect(int i)
    {
        var findings = new List<OutboundGuard.Domain.Evidence>(4);
        _detectors[i].Inspect(_review, _history, findings);
        return findings.Count;
    }
}
