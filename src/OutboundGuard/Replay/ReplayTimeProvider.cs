namespace OutboundGuard.Replay;

/// <summary>
/// The relay's clock in replay-clock mode (<c>OutboundGuard:Testing:ReplayClock</c>): the system clock,
/// moved ahead to the latest captured time a replayer sent in <c>X-OutboundGuard-Replay-Time</c>. It only
/// moves forward, so messages that arrive slightly out of order never turn time back, and it keeps running
/// with the system clock between messages. Timers and timestamps are the system's: only "now" is replayed.
/// A week of captured traffic replays in seconds while rates, windows and cool-downs see captured time.
/// </summary>
internal sealed class ReplayTimeProvider(TimeProvider system) : TimeProvider
{
    private long _aheadTicks;

    /// <summary>How far ahead of the system clock replayed time is.</summary>
    public TimeSpan Ahead => TimeSpan.FromTicks(Volatile.Read(ref _aheadTicks));

    public override DateTimeOffset GetUtcNow() => system.GetUtcNow().AddTicks(Volatile.Read(ref _aheadTicks));

    public override long GetTimestamp() => system.GetTimestamp();

    public override long TimestampFrequency => system.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => system.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => system.CreateTimer(callback, state, dueTime, period);

    /// <summary>Moves the clock forward to <paramref name="captured"/> if that is later than now; earlier times are ignored.</summary>
    public void Observe(DateTimeOffset captured)
    {
        var wanted = (captured - system.GetUtcNow()).Ticks;
        var current = Volatile.Read(ref _aheadTicks);
        while (wanted > current)
        {
            var seen = Interlocked.CompareExchange(ref _aheadTicks, wanted, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
