namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// Distinct keys seen in a sliding window (recipient domains, client IPs, sessions), bounded by
/// <c>capacity</c> observations: past it the oldest are forgotten first.
/// </summary>
internal sealed class DistinctWindow<TKey> where TKey : notnull
{
    private readonly long _windowTicks;
    private readonly int _capacity;
    private readonly Queue<(long Ticks, TKey Key)> _seen = new();
    private readonly Dictionary<TKey, int> _counts = new();

    public DistinctWindow(TimeSpan window, int capacity)
    {
        _windowTicks = window.Ticks;
        _capacity = capacity;
    }

    public int Count => _counts.Count;

    public IEnumerable<TKey> Keys => _counts.Keys;

    public bool Contains(TKey key) => _counts.ContainsKey(key);

    public void Add(DateTimeOffset at, TKey key)
    {
        Evict(at);
        _seen.Enqueue((at.UtcTicks, key));
        _counts[key] = _counts.TryGetValue(key, out int n) ? n + 1 : 1;
        while (_seen.Count > _capacity)
        {
            Drop();
        }
    }

    public void Evict(DateTimeOffset now)
    {
        long oldest = now.UtcTicks - _windowTicks;
        while (_seen.Count > 0 && _seen.Peek().Ticks <= oldest)
        {
            Drop();
        }
    }

    private void Drop()
    {
        (_, TKey key) = _seen.Dequeue();
        int n = _counts[key] - 1;
        if (n == 0)
        {
            _counts.Remove(key);
        }
        else
        {
            _counts[key] = n;
        }
    }
}
