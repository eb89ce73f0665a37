namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Events in the last minute, on the monotonic clock, in two words: the count of the current minute and of the one
/// before, the latter weighed by how much of it still lies within the last 60 s (the usual sliding-window estimate).
/// Not thread-safe: its owner locks.
/// </summary>
public struct MinuteCount
{
    private long _minute;
    private int _current;
    private int _previous;

    /// <summary>Counts one event at <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public void Add(long timestamp, long frequency)
    {
        Roll(timestamp, frequency);
        _current++;
    }

    /// <summary>About how many events fell in the 60 s before <paramref name="timestamp"/>.</summary>
    public double PerMinute(long timestamp, long frequency)
    {
        Roll(timestamp, frequency);
        var minuteTicks = frequency * 60;
        var intoMinute = (double)(timestamp - (_minute * minuteTicks)) / minuteTicks;
        return _current + (_previous * (1 - intoMinute));
    }

    private void Roll(long timestamp, long frequency)
    {
        var minute = timestamp / (frequency * 60);
        if (minute == _minute)
        {
            return;
        }

        _previous = minute == _minute + 1 ? _current : 0;
        _current = 0;
        _minute = minute;
    }
}
