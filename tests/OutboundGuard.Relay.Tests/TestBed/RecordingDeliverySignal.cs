namespace OutboundGuard.Relay.Tests.TestBed;

/// <summary>Counts the wake-ups the delivery queue would get.</summary>
internal sealed class RecordingDeliverySignal : IDeliverySignal
{
    private int _queued;

    public int Queued => Volatile.Read(ref _queued);

    public void MessageQueued() => Interlocked.Increment(ref _queued);
}
