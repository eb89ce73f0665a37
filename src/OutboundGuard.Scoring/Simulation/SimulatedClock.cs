namespace OutboundGuard.Scoring.Simulation;

/// <summary>A clock the simulation moves forward itself.</summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
