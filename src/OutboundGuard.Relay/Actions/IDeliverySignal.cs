namespace OutboundGuard.Relay;

/// <summary>Wakes the delivery queue when a message was queued, so it need not wait for its next poll.</summary>
internal interface IDeliverySignal
{
    void MessageQueued();
}
