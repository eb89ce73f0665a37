using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Storage.Status;

namespace OutboundGuard.Observability;

/// <summary>Metrics, their feeds and the readiness probe.</summary>
internal static class ObservabilityRegistration
{
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddSingleton<OutboundGuardMetrics>();
        services.AddSingleton<OutboundGuard.Relay.IRelayMetrics>(sp => sp.GetRequiredService<OutboundGuardMetrics>());
        services.AddSingleton<StatusRepository>();
        services.AddSingleton<ReadinessProbe>();
        services.AddHostedService<SmtpMeterBridge>();
        services.AddHostedService<ScoringMeterBridge>();
        services.AddHostedService<DatabaseMetricsCollector>();
        return services;
    }
}
