using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Dns;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Hosting;

/// <summary>
/// The scoring pipeline with every detector, the live policy (and a shadow one when configured), the
/// in-memory activity and campaign trackers, the DNS blocklists and the content model when configured.
/// </summary>
internal static class ScoringRegistration
{
    public const string Section = ScoringOptions.SectionName;

    /// <summary>The limits of accounts that have none of their own.</summary>
    public const string DefaultLimitsSection = Section + ":DefaultLimits";

    public static IServiceCollection AddScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScoringOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        // AccountLimits is an immutable record: bind it once rather than through the options factory.
        services.AddSingleton(Options.Create(configuration.GetSection(DefaultLimitsSection).Get<AccountLimits>() ?? AccountLimits.Default));
        var urls = configuration.GetSection($"{Section}:Urls").Get<UrlReputationOptions>() ?? new UrlReputationOptions();
        var dnsbl = configuration.GetSection($"{Section}:Dnsbl").Get<DnsBlocklistOptions>() ?? new DnsBlocklistOptions();
        var modelPath = configuration[$"{Section}:ModelPath"];
        var shadow = configuration.GetSection($"{Section}:Shadow");

        services.AddSingleton(sp => new AccountActivityTracker(sp.GetRequiredService<TimeProvider>(), configuration.GetSection($"{Section}:Tracker").Get<ActivityTrackerOptions>()));
        services.AddSingleton(_ => new CampaignTracker());
        // Each detector's limits and weights (Scoring:Rate, Scoring:Volume, …) are bound with the rest of the section.
        static ScoringOptions Bound(IServiceProvider sp) => sp.GetRequiredService<IOptions<ScoringOptions>>().Value;
        services.AddSingleton<IDetector>(sp => new RateDetector(Bound(sp).Rate));
        services.AddSingleton<IDetector>(sp => new VolumeDetector(Bound(sp).Volume));
        services.AddSingleton<IDetector>(sp => new ConcurrencyDetector(Bound(sp).Concurrency));
        services.AddSingleton(urls); // the live lists: the admin refreshes them from PostgreSQL
        if (!string.IsNullOrWhiteSpace(modelPath))
        {
            services.AddSingleton(_ => LoadModel(modelPath)!); // shared with the admin, which feeds it review decisions
        }

        services.AddSingleton<IDetector>(sp => new UrlReputationDetector(urls, Bound(sp).UrlReputation));
        services.AddSingleton<IDetector>(sp => new ContentDetector(sp.GetService<NaiveBayesModel>(), urls, Bound(sp).Content));
        services.AddSingleton<IDetector>(sp => new CampaignDetector(Bound(sp).Campaign));
        services.AddSingleton<IDetector>(sp => new LinkedAccountsDetector(Bound(sp).LinkedAccounts));
        services.AddSingleton<IDetector>(sp => new DownstreamFeedbackDetector(Bound(sp).Downstream));
        services.AddSingleton<IDetector>(sp => new LoginDetector(Bound(sp).Logins));
        services.AddSingleton(_ => new ComplaintLedger(configuration.GetValue<TimeSpan?>("OutboundGuard:FeedbackLoop:Window")));
        services.AddSingleton<IDetector>(sp => new ComplaintDetector(sp.GetRequiredService<ComplaintLedger>(), Bound(sp).Complaints));
        services.AddSingleton(sp => new ScoringPolicy(Bound(sp)));
        services.AddSingleton(sp => new ScoringPipeline(
            sp.GetServices<IDetector>(),
            sp.GetRequiredService<ScoringPolicy>(),
            sp.GetRequiredService<AccountActivityTracker>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CampaignTracker>(),
            dnsbl.DomainZones.Count + dnsbl.IpZones.Count == 0 ? null : new DnsBlocklistResolver(dnsbl, sp.GetRequiredService<TimeProvider>()),
            shadow.Exists() ? new ScoringPolicy(shadow.Get<ScoringOptions>()!) : null));
        return services;
    }

    /// <exception cref="FileNotFoundException">The configured model file does not exist.</exception>
    private static NaiveBayesModel? LoadModel(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{Section}:ModelPath names {Path.GetFullPath(path)}, which does not exist.", path);
        }

        return NaiveBayesModel.Load(path);
    }
}
