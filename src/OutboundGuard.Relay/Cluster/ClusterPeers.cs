using Microsoft.Extensions.Options;

namespace OutboundGuard.Cluster;

/// <summary>
/// The other relay nodes this node knows to be running, from their announcements (<see cref="ClusterPeersListener"/>).
/// A node that announced itself within <see cref="ClusterOptions.PeerExpiry"/> and did not say goodbye counts. While
/// this node is not listening (before the notification hub's first connect, after a lost connection) it cannot know,
/// and <see cref="AnyRunning"/> says true: whatever depends on it (the synchronous share of counters) stays on.
/// </summary>
public sealed class ClusterPeers(IOptions<ClusterOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private volatile bool _listening;

    /// <summary>True when another node may be running: one announced itself recently, or this node is not listening.</summary>
    public bool AnyRunning => !_listening || Running > 0;

    /// <summary>The other nodes seen within the expiry.</summary>
    public int Running
    {
        get
        {
            var since = time.GetUtcNow() - options.Value.PeerExpiry;
            var running = 0;
            lock (_lock)
            {
                // A loop, not LINQ: read for every scored message (through AnyRunning).
                foreach (var seen in _lastSeen.Values)
                {
                    running += seen >= since ? 1 : 0;
                }
            }

            return running;
        }
    }

    /// <summary>Another node announced itself; true when it was not counted as running before.</summary>
    public bool Seen(string node)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var known = _lastSeen.TryGetValue(node, out var seen) && seen >= now - options.Value.PeerExpiry;
            _lastSeen[node] = now;
            return !known;
        }
    }

    /// <summary>Another node said it is stopping.</summary>
    public void Left(string node)
    {
        lock (_lock)
        {
            _lastSeen.Remove(node);
        }
    }

    /// <summary>Whether this node hears announcements now (set by the listener on resync and on a lost connection).</summary>
    public void SetListening(bool listening) => _listening = listening;
}
