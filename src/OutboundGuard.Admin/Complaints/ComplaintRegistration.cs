using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutboundGuard.Storage.Complaints;

namespace OutboundGuard.Admin.Complaints;

/// <summary>Registers the feedback-loop intake (options validated at start) and its repository; each node's scoring reloads the counts itself.</summary>
public static class ComplaintRegistration
{
    public static IServiceCollection AddComplaintFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(FeedbackLoopOptions.SectionName).Get<FeedbackLoopOptions>() ?? new FeedbackLoopOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<ComplaintRepository>();
        services.TryAddSingleton(sp => new ReportVerifier(sp.GetRequiredService<FeedbackLoopOptions>()));
        services.TryAddSingleton<ComplaintService>();
        return services;
    }
}
