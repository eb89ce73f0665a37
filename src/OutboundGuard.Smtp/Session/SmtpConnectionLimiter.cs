using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>Counts open connections per client IP and in total, against <see cref="SmtpLimits.MaxConnectionsPerIp"/> and <see cref="SmtpLimits.MaxConnections"/>.</summary>
public sealed class SmtpConnectionLimiter
{
    private readonly ConcurrentDictionary<IPAddress, int> _perIp = new();
    private readonly SmtpLimits _limits;
    private int _total;

    public SmtpConnectionLimiter(IOptions<SmtpOptions> options) => _limits = options.Value.Limits;

    /// <summary>Open connections in total.</summary>
    public int Total => Volatile.Read(ref _total);

    /// <summary>Open connections from one IP.</summary>
    public int CountFor(IPAddress clientIp) => _perIp.TryGetValue(clientIp, out var n) ? n : 0;

    /// <summary>Takes a slot for a new connection; false when a limit is reached (nothing taken then).</summary>
    public bool TryAcquire(IPAddress clientIp)
    {
        if (Interlocked.Increment(ref _total) > _limits.MaxConnections)
        {
            Interlocked.Decrement(ref _total);
            return false;
        }

        var count = _perIp.AddOrUpdate(clientIp, 1, (_, n) => n + 1);
        if (count > _limits.MaxConnectionsPerIp)
        {
            Release(clientIp);
            return false;
        }

        return true;
    }

    /// <summary>Gives back the slot taken by <see cref="TryAcquire"/>.</summary>
    public void Release(IPAddress clientIp)
    {
        Interlocked.Decrement(ref _total);
        while (_perIp.TryGetValue(clientIp, out var n))
        {
            if (n <= 1 ? _perIp.TryRemove(new KeyValuePair<IPAddress, int>(clientIp, n)) : _perIp.TryUpdate(clientIp, n - 1, n))
            {
                return;
            }
        }
    }
}
