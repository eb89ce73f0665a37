namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// The account's usual hourly message count per hour of the week (168 slots, exponentially weighted so
/// a changed rhythm is learned in a few weeks), its overall hourly mean and its busiest hour. Only
/// relayed messages count, so an attack that is stopped does not teach the baseline.
/// </summary>
internal sealed class HourOfWeekBaseline
{
    private const double SlotAlpha = 0.3;
    private const double MeanAlpha = 1.0 / 48;
    private readonly double[] _slots = new double[168];
    private readonly bool[] _seen = new bool[168];
    private long _hourStartTicks = -1;
    private int _currentCount;
    private double _mean;

    public int ClosedHours { get; private set; }
    public int PeakHour { get; private set; }

    public void Count(DateTimeOffset at, int messages)
    {
        Roll(at);
        _currentCount += messages;
    }

    public void Roll(DateTimeOffset now)
    {
        long hour = now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour);
        if (_hourStartTicks < 0)
        {
            _hourStartTicks = hour;
            return;
        }

        int steps = 0;
        while (_hourStartTicks < hour && steps < 168)
        {
            Close();
            _hourStartTicks += TimeSpan.TicksPerHour;
            steps++;
        }

        if (_hourStartTicks < hour)
        {
            // Idle for more than a week: every slot has already decayed towards zero; skip ahead.
            _hourStartTicks = hour;
        }
    }

    /// <summary>The usual messages per hour at this hour of the week, or null with less than a day of history.</summary>
    public double? Expected(DateTimeOffset now)
    {
        Roll(now);
        if (ClosedHours < 24)
        {
            return null;
        }

        int slot = SlotOf(now.UtcTicks);
        return _seen[slot] ? Math.Max(_slots[slot], _mean) : _mean;
    }

    private void Close()
    {
        int slot = SlotOf(_hourStartTicks);
        _slots[slot] = _seen[slot] ? (SlotAlpha * _currentCount) + ((1 - SlotAlpha) * _slots[slot]) : _currentCount;
        _seen[slot] = true;
        _mean = ClosedHours == 0 ? _currentCount : (MeanAlpha * _currentCount) + ((1 - MeanAlpha) * _mean);
        PeakHour = Math.Max(PeakHour, _currentCount);
        ClosedHours++;
        _currentCount = 0;
    }

    private static int SlotOf(long ticks)
    {
        long hours = ticks / TimeSpan.TicksPerHour;
        // 1 Jan 0001 was a Monday; slot 0 is Monday 00:00 UTC.
        return (int)(hours % 168);
    }
}
