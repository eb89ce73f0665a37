namespace OutboundGuard.Delivery;

/// <summary>
/// How many messages the SMTP side is receiving right now (from DATA to its reply), for the delivery queue's
/// inbound-first pacing (<see cref="DeliveryOptions.InboundFirstParallelism"/>). The relay calls
/// <see cref="Receiving"/> for every message and disposes the result once; the queue is told when the last one ends.
/// </summary>
public sealed class InboundActivity
{
    private int _receiving;

    /// <summary>Called, outside any lock, when no message is being received any more.</summary>
    internal event Action? Quiet;

    /// <summary>Messages between DATA and their reply now.</summary>
    public int MessagesReceiving => Volatile.Read(ref _receiving);

    /// <summary>Marks one message as being received until the result is disposed (once).</summary>
    public Scope Receiving()
    {
        Interlocked.Increment(ref _receiving);
        return new Scope(this);
    }

    private void Received()
    {
        if (Interlocked.Decrement(ref _receiving) == 0)
        {
            Quiet?.Invoke();
        }
    }

    /// <summary>One message being received; disposing it more than once counts once.</summary>
    public sealed class Scope(InboundActivity activity) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                activity.Received();
            }
        }
    }
}
