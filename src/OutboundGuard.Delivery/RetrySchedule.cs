namespace OutboundGuard.Delivery;

/// <summary>
/// Exponential backoff for deferred messages: <see cref="DeliveryOptions.RetryInitialDelay"/> after the
/// first attempt, doubling per attempt up to <see cref="DeliveryOptions.RetryMaxDelay"/>, each spread by
/// ±<see cref="DeliveryOptions.RetryJitter"/> so messages deferred together do not all return together.
/// </summary>
internal static class RetrySchedule
{
    /// <summary>Delay before the next attempt, after <paramref name="attempts"/> attempts (1 or more).</summary>
    public static TimeSpan Next(DeliveryOptions options, int attempts, Random random)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var baseTicks = Math.Min((double)options.RetryInitialDelay.Ticks * Math.Pow(2, exponent), options.RetryMaxDelay.Ticks);
        var spread = 1 + options.RetryJitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromTicks((long)Math.Max(baseTicks * spread, TimeSpan.TicksPerMillisecond));
    }
}
