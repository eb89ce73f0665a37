using OutboundGuard.Delivery;

namespace OutboundGuard.Relay;

/// <summary>Wakes the in-process delivery queue after a message was queued.</summary>
internal sealed class DeliveryQueueSignal(DeliveryQueue queue) : IDeliverySignal
{
    public void MessageQueued() => queue.Notify();
}
