namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// A sliding window of message, recipient and first-time-recipient counts kept in fixed-width buckets,
/// so memory is bounded by window ÷ bucket width whatever the traffic. A window answers with an error of
/// at most one bucket width at its old edge.
/// </summary>
internal sealed class SlidingCounter
{
    private readonly long _windowTicks;
    private readonly long _bucketTicks;
    private readonly Queue<Bucket> _buckets = new();

    public SlidingCounter(TimeSpan window, TimeSpan bucketWidth)
    {
        _windowTicks = window.Ticks;
        _bucketTicks = bucketWidth.Ticks;
    }

    public int Messages { get; private set; }
    public int Recipients { get; private set; }
    public int FirstTimeRecipients { get; private set; }

    public void Add(DateTimeOffset at, int messages, int recipients, int firstTime)
    {
        Evict(at);
        long start = at.UtcTicks - (at.UtcTicks % _bucketTicks);
        if (_buckets.Count > 0 && _last.Start == start)
        {
            _last.Messages += messages;
            _last.Recipients += recipients;
            _last.FirstTime += firstTime;
        }
        else if (_buckets.Count > 0 && start < _last.Start)
        {
            // Out-of-order (seeded or late) events fall into the newest bucket: counts stay right, the
            // position in the window is off by at most the disorder.
            _last.Messages += messages;
            _last.Recipients += recipients;
            _last.FirstTime += firstTime;
        }
        else
        {
            _last = new Bucket { Start = start, Messages = messages, Recipients = recipients, FirstTime = firstTime };
            _buckets.Enqueue(_last);
        }

        Messages += messages;
        Recipients += recipients;
        FirstTimeRecipients += firstTime;
    }

    /// <summary>Drops the buckets that fell out of the window ending at <paramref name="now"/>.</summary>
    public void Evict(DateTimeOffset now)
    {
        long oldest = now.UtcTicks - _windowTicks;
        while (_buckets.Count > 0 && _buckets.Peek().Start + _bucketTicks <= oldest)
        {
            Bucket b = _buckets.Dequeue();
            Messages -= b.Messages;
            Recipients -= b.Recipients;
            FirstTimeRecipients -= b.FirstTime;
        }
    }

    private Bucket _last = new();

    private sealed class Bucket
    {
        public long Start;
        public int Messages;
        public int Recipients;
        public int FirstTime;
    }
}
