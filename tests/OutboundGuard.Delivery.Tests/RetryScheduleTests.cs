using Xunit;

namespace OutboundGuard.Delivery.Tests;

public sealed class RetryScheduleTests
{
    [Fact]
    public void Delays_double_per_attempt_up_to_the_maximum()
    {
        var options = new DeliveryOptions { RetryInitialDelay = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromHours(1), RetryJitter = 0 };

        var delays = Enumerable.Range(1, 9).Select(attempt => RetrySchedule.Next(options, attempt, new Random(1)).TotalMinutes).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void Jitter_spreads_delays_within_the_configured_fraction()
    {
        var options = new DeliveryOptions { RetryInitialDelay = TimeSpan.FromMinutes(10), RetryMaxDelay = TimeSpan.FromHours(1), RetryJitter = 0.2 };
        var random = new Random(42);

        var delays = Enumerable.Range(0, 1000).Select(_ => RetrySchedule.Next(options, 1, random).TotalMinutes).ToList();

        Assert.All(delays, d => Assert.InRange(d, 8, 12));
        Assert.True(delays.Max() - delays.Min() > 3, "the delays are spread, not all equal");
    }
}
