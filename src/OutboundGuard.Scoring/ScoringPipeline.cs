using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Dns;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring;

/// <summary>
/// The per-message entry of the scoring box: records the attempt in the account's hot counters, gathers
/// what the detectors need (links, blocklist answers, link domains new to the tenant, campaign matches), runs
/// every detector, and lets the policy (and a shadow policy, if any) turn the evidence into a verdict. A
/// suspension it decides also blocks the account's recent fingerprints and links its IPs. Thread-safe; one
/// instance per node.
/// </summary>
public sealed partial class ScoringPipeline
{
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly ScoringPolicy _policy;
    private readonly ScoringPolicy? _shadow;
    private readonly AccountActivityTracker _tracker;
    private readonly CampaignTracker? _campaigns;
    private readonly IDnsBlocklistResolver? _resolver;
    private readonly UrlReputationDetector? _urls;
    private readonly TimeProvider _time;

    /// <param name="detectors">The detectors to run, in order.</param>
    /// <param name="policy">The live policy.</param>
    /// <param name="tracker">The node's account counters (seed them after a restart).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="campaigns">The node's campaign tracker; null disables campaign fingerprints.</param>
    /// <param name="resolver">DNS blocklists for link domains; null for none.</param>
    /// <param name="shadowPolicy">A candidate policy evaluated beside the live one and never enforced; null for none.</param>
    public ScoringPipeline(IEnumerable<IDetector> detectors, ScoringPolicy policy, AccountActivityTracker tracker, TimeProvider timeProvider,
        CampaignTracker? campaigns = null, IDnsBlocklistResolver? resolver = null, ScoringPolicy? shadowPolicy = null)
    {
        _detectors = [.. detectors];
        _policy = policy;
        _tracker = tracker;
        _time = timeProvider;
        _campaigns = campaigns;
        _resolver = resolver;
        _shadow = shadowPolicy;
        _urls = _detectors.OfType<UrlReputationDetector>().FirstOrDefault();
    }

    /// <summary>
    /// A pipeline with every detector and the default lists: rate, volume, concurrency, url, content (rules, plus
    /// <paramref name="model"/> when given), campaign, linked, downstream, logins.
    /// </summary>
    public static ScoringPipeline CreateDefault(ScoringOptions options, TimeProvider timeProvider, NaiveBayesModel? model = null,
        UrlReputationOptions? urlOptions = null, IDnsBlocklistResolver? resolver = null, ScoringOptions? shadowOptions = null)
    {
        urlOptions ??= new UrlReputationOptions();
        IDetector[] detectors =
        [
            new RateDetector(options.Rate), new VolumeDetector(options.Volume), new ConcurrencyDetector(options.Concurrency),
            new UrlReputationDetector(urlOptions, options.UrlReputation), new ContentDetector(model, urlOptions, options.Content),
            new CampaignDetector(options.Campaign), new LinkedAccountsDetector(options.LinkedAccounts), new DownstreamFeedbackDetector(options.Downstream),
            new LoginDetector(options.Logins),
        ];
        return new ScoringPipeline(detectors, new ScoringPolicy(options), new AccountActivityTracker(timeProvider), timeProvider,
            new CampaignTracker(), resolver, shadowOptions is null ? null : new ScoringPolicy(shadowOptions));
    }

    /// <summary>The account counters; the Delivery box feeds <see cref="AccountActivityTracker.RecordDownstreamReply"/> through it.</summary>
    public AccountActivityTracker Tracker => _tracker;

    /// <summary>The campaign tracker, or null.</summary>
    public CampaignTracker? Campaigns => _campaigns;

    /// <summary>The live policy (its memory of recent throttles and escalations).</summary>
    public ScoringPolicy Policy => _policy;

    /// <summary>Scores one message and returns the verdict to enforce. Uses cached DNS blocklist answers only.</summary>
    public Verdict Score(MessageUnderReview message) => Evaluate(message).Live;

    /// <summary>Scores one message; returns the live verdict and, with a shadow policy, its would-be verdict. Cached DNS answers only.</summary>
    public ScoringResult Evaluate(MessageUnderReview message)
    {
        var (urls, domains) = Links(message);
        return Run(message, urls, domains, _resolver is null || domains.Count == 0 ? Empty : _resolver.LookupCached(domains));
    }

    /// <summary>Like <see cref="Evaluate"/>, but first asks the DNS blocklists about the message's link domains (bounded by their timeout).</summary>
    public async ValueTask<ScoringResult> EvaluateAsync(MessageUnderReview message, CancellationToken cancellationToken)
    {
        var (urls, domains) = Links(message);
        IReadOnlyDictionary<string, string> listed = _resolver is null || domains.Count == 0
            ? Empty
            : await _resolver.LookupAsync(domains, cancellationToken).ConfigureAwait(false);
        return Run(message, urls, domains, listed);
    }

    /// <summary>The message's links and their distinct registrable domains (the "links" stage).</summary>
    private static (IReadOnlyList<ExtractedUrl> Urls, List<string> Domains) Links(MessageUnderReview message)
    {
        long started = ScoringMetrics.Start();
        IReadOnlyList<ExtractedUrl> urls = UrlExtractor.Extract(message.Content);
        ScoringMetrics.Stop(started, ScoringMetrics.LinksStage);
        return (urls, DomainsOf(urls));
    }

    /// <summary>
    /// Tells scoring that ops (or the host) suspended an account: its client IPs and recent fingerprints taint
    /// other accounts. The pipeline does this itself for the suspensions it decides.
    /// </summary>
    public void AccountSuspended(long accountId)
    {
        _tracker.MarkSuspended(accountId);
        _campaigns?.AccountSuspended(accountId, _time.GetUtcNow());
    }

    /// <summary>Tells scoring that ops reinstated an account: it is scored on probation until <paramref name="probationUntil"/>.</summary>
    public void AccountReinstated(long accountId, DateTimeOffset probationUntil)
    {
        _tracker.Reinstate(accountId, probationUntil);
        _tracker.Logins.Forget(accountId);
        _policy.Forget(accountId);
    }

    /// <summary>
    /// Tells scoring that ops found an account's suspension a false alarm: the blocks and client-address taints it caused
    /// are lifted, so it weighs on nobody else. Returns the fingerprints unblocked.
    /// </summary>
    public IReadOnlyList<string> FalseAlarm(long accountId)
    {
        _tracker.Reinstate(accountId, _time.GetUtcNow());
        _tracker.Logins.Forget(accountId);
        _policy.Forget(accountId);
        return _campaigns?.LiftBlocksCausedBy(accountId) ?? [];
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The distinct registrable domains of the links, in order of first appearance.</summary>
    private static List<string> DomainsOf(IReadOnlyList<ExtractedUrl> urls)
    {
        if (urls.Count == 0)
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<string> domains = [];
        foreach (ExtractedUrl u in urls)
        {
            if (seen.Add(u.RegistrableDomain))
            {
                domains.Add(u.RegistrableDomain);
            }
        }

        return domains;
    }

    /// <summary>Whether any of the links is a bad URL as <paramref name="detector"/> judges them.</summary>
    private static bool AnyBad(UrlReputationDetector detector, IReadOnlyList<ExtractedUrl> urls, IReadOnlyDictionary<string, string> listed)
    {
        foreach (ExtractedUrl url in urls)
        {
            if (detector.IsBad(url, listed))
            {
                return true;
            }
        }

        return false;
    }

    private ScoringResult Run(MessageUnderReview message, IReadOnlyList<ExtractedUrl> urls, List<string> domains, IReadOnlyDictionary<string, string> listed)
    {
        AccountHistory history = _tracker.RecordAttempt(message);
        List<string> newDomains = domains.Count == 0 ? [] : _tracker.ObserveTenantDomains(message.Account.Tenant, domains);
        CampaignObservation? campaign = null;
        ulong? bodyFingerprint = null;
        if (_campaigns is not null && message.Content is not null)
        {
            long fingerprintStarted = ScoringMetrics.Start();
            MessageText text = MessageText.Of(message.Content);
            if (BodyFingerprint.Compute(text.Subject, text.Body, out int words) is { } fingerprint)
            {
                bodyFingerprint = fingerprint;
                bool established = history.Now - message.Account.CreatedAt >= _campaigns.Options.EstablishedAge;
                // The tenant-template guard holds only for clean templates: no bad URL and no phishing phrasing.
                bool bad = (_urls is not null && AnyBad(_urls, urls, listed)) || text.PhishingMatches.Count > 0;
                bool brandNew = history.Now - message.Account.CreatedAt < _campaigns.Options.NewAccountAge;
                campaign = _campaigns.Observe(fingerprint, domains, message.Account.Id, message.Account.Tenant, established, bad, history.Now, words, brandNew);
            }

            ScoringMetrics.Stop(fingerprintStarted, ScoringMetrics.FingerprintStage);
        }

        history = history with { Urls = urls, ListedDomains = listed, DomainsNewToTenant = newDomains, Campaign = campaign };
        List<Evidence> findings = [];
        foreach (IDetector detector in _detectors)
        {
            long detectorStarted = ScoringMetrics.Start();
            try
            {
                detector.Inspect(message, history, findings);
            }
            catch (Exception ex)
            {
                // A broken detector must not stop mail or hide other findings; ops see the failure in the evidence.
                findings.Add(new Evidence(detector.Name, 0, $"detector failed: {ex.GetType().Name}"));
            }

            ScoringMetrics.Stop(detectorStarted, detector.Name);
        }

        DateTimeOffset now = history.Now;
        long policyStarted = ScoringMetrics.Start();
        Verdict live = _policy.Decide(message.Account, findings, now);
        Verdict? shadow = _shadow?.Decide(message.Account, findings, now);
        ScoringMetrics.Stop(policyStarted, ScoringMetrics.PolicyStage);
        if (live.Action is VerdictAction.Relay or VerdictAction.HighRiskRoute)
        {
            _tracker.RecordRelayed(message.Account.Id);
        }
        else
        {
            double contentWeight = live.Evidence.Where(e => e.Detector is "url" or "content").Sum(e => e.Weight);
            _tracker.RecordFlagged(message.Account.Id, message.ClientAddress, forContent: contentWeight >= 40);
        }

        if (live.Action == VerdictAction.Suspend && message.Account.State != AccountState.Suspended)
        {
            AccountSuspended(message.Account.Id);
        }
        else if (live.Action >= VerdictAction.Throttle && campaign is { Blocked: false, TemplateGuard: false } && live.Evidence.Any(e => e.Detector == "campaign"))
        {
            _campaigns!.AccountStopped(message.Account.Id, now);
        }

        return new ScoringResult(live, shadow) { BodyFingerprint = bodyFingerprint, Hold = HoldFor(message, live, newDomains, message.Content is null ? [] : MessageText.Of(message.Content).PhishingMatches, now) };
    }
}
