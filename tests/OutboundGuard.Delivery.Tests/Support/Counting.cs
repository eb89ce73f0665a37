namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>Thread-safe counting for scripted smarthosts that count what they hold.</summary>
internal static class Counting
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if it is lower (the most seen at once).</summary>
    public static void RaiseTo(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
