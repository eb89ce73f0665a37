namespace OutboundGuard.Replay.Simulation;

/// <summary>A clock the simulation moves forward itself: the traffic simulation and the offline what-if run of a burst.</summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves to <paramref name="time"/>; never backwards.</summary>
    public void MoveTo(DateTimeOffset time)
    {
        if (time > Now)
        {
            Now = time;
        }
    }
}
