using Xunit;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>
/// A long-running load test: skipped unless OG_DELIVERY_LOAD=1 (scripts/delivery-outage.sh sets it), so the
/// normal test run stays short. Such tests carry the trait Category=Load.
/// </summary>
public sealed class LoadFactAttribute : FactAttribute
{
    public LoadFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("OG_DELIVERY_LOAD") != "1")
        {
            Skip = "Load test: run scripts/delivery-outage.sh (sets OG_DELIVERY_LOAD=1).";
        }
    }
}
