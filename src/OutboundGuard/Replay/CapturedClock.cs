namespace OutboundGuard.Replay;

/// <summary>A clock set to each captured message's time in turn, for the offline what-if run.</summary>
internal sealed class CapturedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves to <paramref name="time"/>; never backwards.</summary>
    public void MoveTo(DateTimeOffset time)
    {
        if (time > _now)
        {
            _now = time;
        }
    }
}
