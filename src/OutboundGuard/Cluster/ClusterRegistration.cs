using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Storage.Counters;

namespace OutboundGuard.Cluster;

/// <summary>Account state shared by LISTEN/NOTIFY and counters shared through PostgreSQL, for several relay nodes.</summary>
internal static class ClusterRegistration
{
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>()
            .Bind(configuration.GetSection(ClusterOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.NodeName), $"{ClusterOptions.Section}:NodeName must not be empty.")
            .Validate(o => o.CounterFlushInterval >= TimeSpan.FromMilliseconds(10), $"{ClusterOptions.Section}:CounterFlushInterval must be at least 10 ms.")
            .ValidateOnStart();
        services.AddSingleton<SharedCounterRepository>();
        services.AddSingleton<SharedActivity>();
        services.AddHostedService<SharedActivityService>();
        services.AddSingleton<AccountStateCache>();
        services.AddSingleton<OutboundGuard.Relay.Accounts.IAccountChangeObserver>(sp => sp.GetRequiredService<AccountStateCache>());
        services.AddSingleton<ScoringStateSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ScoringStateSync>());
        services.AddSingleton<SuspendedSessionCloser>();
        services.AddSingleton<OutboundGuard.Relay.Accounts.IAccountChangeObserver>(sp => sp.GetRequiredService<SuspendedSessionCloser>());
        services.AddHostedService(sp => sp.GetRequiredService<SuspendedSessionCloser>());
        services.AddHostedService<AccountStateListener>();
        return services;
    }
}
