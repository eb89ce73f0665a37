using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Complaints;

namespace OutboundGuard.Admin.Complaints;

/// <summary>Registers the feedback-loop intake (options validated at start), its repository and the periodic reload of the counts.</summary>
public static class ComplaintRegistration
{
    public static IServiceCollection AddComplaintFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(FeedbackLoopOptions.SectionName).Get<FeedbackLoopOptions>() ?? new FeedbackLoopOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<ComplaintRepository>();
        services.TryAddSingleton(sp => new ReportVerifier(sp.GetRequiredService<FeedbackLoopOptions>()));
        services.TryAddSingleton(sp => new ComplaintService(sp.GetRequiredService<ComplaintRepository>(), sp.GetRequiredService<ReportVerifier>(),
            sp.GetRequiredService<FeedbackLoopOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ComplaintService>>(),
            sp.GetService<ComplaintLedger>()));
        services.AddHostedService<ComplaintLedgerRefresh>();
        return services;
    }
}
