using System.Collections.Concurrent;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// A bounded memo of a pure function of a host name: link hosts repeat from message to message, and their
/// IDN mapping and registrable domain cost allocations each time. Emptied when full; thread-safe.
/// </summary>
internal sealed class HostCache<TValue>(Func<string, TValue> compute, int capacity = 16_384)
{
    private readonly ConcurrentDictionary<string, TValue> _values = new(StringComparer.Ordinal);

    public TValue Get(string host)
    {
        if (_values.TryGetValue(host, out TValue? value))
        {
            return value;
        }

        value = compute(host);
        if (host.Length <= 253)
        {
            if (_values.Count >= capacity)
            {
                _values.Clear();
            }

            _values.TryAdd(host, value);
        }

        return value;
    }
}
