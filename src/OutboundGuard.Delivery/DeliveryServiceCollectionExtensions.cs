using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Delivery.Routes;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery;

/// <summary>Registration of the delivery box in the host.</summary>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the delivery queue: <see cref="DeliveryOptions"/> bound to <c>OutboundGuard:Delivery</c>
    /// and validated at start, <see cref="DeliveryQueue"/> as a singleton and hosted service (call
    /// <see cref="DeliveryQueue.Notify"/> after queueing), <see cref="SinkRoute"/> (for listing the sink) and
    /// <see cref="MessageQueueRepository"/>. Needs an <c>NpgsqlDataSource</c> registered by the host; a host
    /// <see cref="IDownstreamFeedback"/> registered before or after replaces the default that ignores replies.
    /// </summary>
    public static IServiceCollection AddOutboundGuardDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDownstreamFeedback, NullDownstreamFeedback>();
        services.TryAddSingleton<MessageQueueRepository>();
        services.AddNotificationHub();
        services.TryAddSingleton<SinkRoute>();
        services.TryAddSingleton<DeliveryRouter>();
        services.TryAddSingleton<InboundActivity>();
        services.TryAddSingleton(sp => new DeliveryQueue(
            sp.GetRequiredService<MessageQueueRepository>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<DeliveryRouter>(),
            sp.GetRequiredService<IDownstreamFeedback>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeliveryQueue>>(),
            sp.GetService<OutboundGuard.Storage.Spool.FileSpool>(),
            sp.GetRequiredService<NotificationHub>(),
            sp.GetRequiredService<InboundActivity>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryQueue>());
        return services;
    }
}
