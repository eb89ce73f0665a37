using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Storage.Counters;
using OutboundGuard.Storage.Notifications;

namespace OutboundGuard.Cluster;

/// <summary>Account state and scoring commands shared through the notification hub, and counters shared through PostgreSQL, for several relay nodes.</summary>
internal static class ClusterRegistration
{
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>()
            .Bind(configuration.GetSection(ClusterOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.NodeName), $"{ClusterOptions.Section}:NodeName must not be empty.")
            .Validate(o => o.CounterFlushInterval >= TimeSpan.FromMilliseconds(10), $"{ClusterOptions.Section}:CounterFlushInterval must be at least 10 ms.")
            .Validate(o => o.PeerAnnounceInterval >= TimeSpan.FromSeconds(1) && o.PeerExpiry >= 2 * o.PeerAnnounceInterval,
                $"{ClusterOptions.Section}:PeerAnnounceInterval must be at least 1 s and PeerExpiry at least twice it.")
            .ValidateOnStart();
        services.AddSingleton<SharedCounterRepository>();
        services.AddSingleton<ClusterPeers>();
        services.AddSingleton<NodeAnnouncer>();
        services.AddHostedService<ClusterPeersListener>();
        services.AddSingleton<SharedActivity>();
        services.AddHostedService<SharedActivityService>();
        services.AddSingleton<AccountStateCache>();
        services.AddSingleton<OutboundGuard.Accounts.IAccountChangeObserver>(sp => sp.GetRequiredService<AccountStateCache>());
        services.AddSingleton<ScoringStateSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ScoringStateSync>());
        services.AddSingleton<SuspendedSessionCloser>();
        services.AddSingleton<OutboundGuard.Accounts.IAccountChangeObserver>(sp => sp.GetRequiredService<SuspendedSessionCloser>());
        services.AddHostedService(sp => sp.GetRequiredService<SuspendedSessionCloser>());
        services.AddOptions<NotificationHubOptions>()
            .Bind(configuration.GetSection(NotificationHubOptions.Section))
            .Validate(o => o.InitialRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.InitialRetryDelay, $"{NotificationHubOptions.Section}:InitialRetryDelay must be positive and at most MaxRetryDelay.")
            .Validate(o => o.PingInterval >= TimeSpan.FromSeconds(1), $"{NotificationHubOptions.Section}:PingInterval must be at least 1 s.")
            .ValidateOnStart();
        services.AddNotificationHub();
        services.AddHostedService<AccountStateListener>();
        services.AddSingleton<ConnectorRangeCache>();
        services.AddHostedService<ConnectorRangeListener>();
        return services;
    }
}
