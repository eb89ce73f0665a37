using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;

namespace OutboundGuard.Hosting;

/// <summary>The scoring pipeline with its detectors, policy and in-memory activity tracker.</summary>
internal static class ScoringRegistration
{
    public static IServiceCollection AddScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScoringOptions>()
            .Bind(configuration.GetSection(ScoringOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.AddSingleton(sp => new AccountActivityTracker(sp.GetRequiredService<TimeProvider>(), configuration.GetSection("OutboundGuard:Scoring:Tracker").Get<ActivityTrackerOptions>()));
        services.AddSingleton<IDetector, RateDetector>();
        services.AddSingleton<IDetector, VolumeDetector>();
        services.AddSingleton<IDetector, ConcurrencyDetector>();
        services.AddSingleton<IDetector, DownstreamFeedbackDetector>();
        services.AddSingleton(sp => new ScoringPolicy(sp.GetRequiredService<IOptions<ScoringOptions>>().Value));
        services.AddSingleton(sp => new ScoringPipeline(
            sp.GetServices<IDetector>(),
            sp.GetRequiredService<ScoringPolicy>(),
            sp.GetRequiredService<AccountActivityTracker>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
