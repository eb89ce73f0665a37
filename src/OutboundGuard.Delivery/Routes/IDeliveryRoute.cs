using OutboundGuard.Delivery.Content;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>One way out: a smarthost or the sink folder.</summary>
internal interface IDeliveryRoute
{
    /// <summary>Name recorded in delivery_attempts and route health ('default', 'high-risk', 'sink').</summary>
    string Name { get; }

    /// <summary>
    /// Delivers <paramref name="message"/> to its pending recipients. Never throws for downstream
    /// problems: they come back as deferred or rejected outcomes. <paramref name="content"/> is the spooled
    /// content with CRLF line endings only, seekable, read from disk.
    /// </summary>
    Task<RouteResult> DeliverAsync(QueuedMessage message, SpooledContent content, CancellationToken cancellationToken);
}
