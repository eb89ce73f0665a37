using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Delivery;
using OutboundGuard.Relay;

namespace OutboundGuard.Hosting;

/// <summary>
/// The delivery queue, the built-in sink in the data folder, the feedback of downstream replies to scoring, and the
/// rescan that ends holds (held messages are part of the queue: the nodes that deliver take them when due).
/// </summary>
internal static class DeliveryRegistration
{
    public static IServiceCollection AddRelayDelivery(this IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        services.AddOutboundGuardDelivery(configuration);
        services.PostConfigure<DeliveryOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(configuration[$"{DeliveryOptions.SectionName}:SinkDirectory"]))
            {
                o.SinkDirectory = Path.Combine(storage.DataDirectory, "sink");
            }
        });
        services.AddSingleton<IDownstreamFeedback, ScoringDownstreamFeedback>();
        services.AddSingleton<IDeliverySignal, DeliveryQueueSignal>();
        services.AddSingleton<OutboundGuard.Storage.Queue.HoldQueueRepository>();
        services.AddHostedService<HeldMessageRescan>();
        return services;
    }
}
