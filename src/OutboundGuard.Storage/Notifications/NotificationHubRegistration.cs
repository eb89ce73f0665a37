using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace OutboundGuard.Storage.Notifications;

/// <summary>Registers the node's one <see cref="NotificationHub"/> (once, however many boxes ask for it).</summary>
public static class NotificationHubRegistration
{
    public static IServiceCollection AddNotificationHub(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(NotificationHub)))
        {
            return services;
        }

        services.AddOptions<NotificationHubOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NotificationHub>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<NotificationHub>());
        return services;
    }
}
