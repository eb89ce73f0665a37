using BenchmarkDotNet.Attributes;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Html;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Benchmarks;

/// <summary>
/// The stages of scoring one message outside the detectors, each on its own and without the per-message caches:
/// decoding the text parts, scanning the HTML, normalising links, the readable text, classifier tokens, phishing
/// rules, the body fingerprint, and the content detector's checks beyond the classifier (the rules' cached matches
/// and the From, Reply-To and display-name checks).
/// </summary>
[MemoryDiagnoser]
public class ScoringStageBenchmarks
{
    private MimeMessage _parsed = null!;
    private MessageBody _body = null!;
    private MessageText _text = null!;
    private string _html = string.Empty;
    private NaiveBayesModel _model = null!;
    private MessageUnderReview _brandReview = null!;
    private readonly ContentDetector _content = new();
    private readonly AccountHistory _history = new() { Now = DateTimeOffset.UtcNow };
    private readonly List<OutboundGuard.Domain.Evidence> _findings = [];

    [Params(10 * 1024, 100 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _parsed = Messages.Parse(Messages.Typical(Size));
        _body = MessageBody.Read(_parsed);
        _text = MessageText.From(_parsed.Subject, _body);
        _html = _parsed.HtmlBody ?? string.Empty;
        _model = new NaiveBayesModel();
        _model.Learn("Quarterly figures", _text.Body, spam: false);
        _model.Learn("Cheap meds", "Cheap meds online no prescription discount pharmacy order today", spam: true);
        // A display name beside an address of another domain: every protected brand is compared with the name's words.
        MimeMessage brand = Messages.Parse(Messages.Typical(Size));
        brand.From.Clear();
        brand.From.Add(new MailboxAddress("Service Desk - Accounts Team", "desk@other.example"));
        _brandReview = Messages.Review(brand, 1, Size);
        MessageText.Of(brand);
    }

    [Benchmark(Description = "decode text parts (MimeKit)")]
    public int DecodeParts()
    {
        var n = 0;
        foreach (var part in _parsed.BodyParts.OfType<TextPart>())
        {
            n += part.Text.Length;
        }

        return n;
    }

    [Benchmark(Description = "HTML scan (visible text and links)")]
    public int ScanHtml() => HtmlScanner.Scan(_html).Anchors.Count;

    [Benchmark(Description = "message body (decode + scan)")]
    public int ReadBody() => MessageBody.Read(_parsed).Sections.Count;

    [Benchmark(Description = "links from the read body")]
    public int Links() => UrlExtractor.ExtractFrom(_body).Count;

    [Benchmark(Description = "message text from the read body")]
    public int Text() => MessageText.From(_parsed.Subject, _body).Body.Length;

    [Benchmark(Description = "classifier (tokens + probability)")]
    public double Classifier() => _model.SpamProbability(_text.Subject, _text.Body);

    [Benchmark(Description = "phishing rules")]
    public int Phishing() => PhishingRules.Match(_text.Subject, _text.Body).Count;

    [Benchmark(Description = "body fingerprint")]
    public ulong? Fingerprint() => BodyFingerprint.Compute(_text.Subject, _text.Body);

    [Benchmark(Description = "content detector without the model (display name, headers)")]
    public int ContentChecks()
    {
        _findings.Clear();
        _content.Inspect(_brandReview, _history, _findings);
        return _findings.Count;
    }
}
