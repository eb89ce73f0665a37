using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Counts open connections per client IP and in total, against <see cref="SmtpLimits.MaxConnectionsPerIp"/> and
/// <see cref="SmtpLimits.MaxConnections"/>, and sessions per authenticated account against <see cref="SmtpLimits.MaxSessionsPerAccount"/>.
/// </summary>
public sealed class SmtpConnectionLimiter
{
    private readonly ConcurrentDictionary<IPAddress, int> _perIp = new();
    private readonly ConcurrentDictionary<string, int> _perAccount = new(StringComparer.OrdinalIgnoreCase);
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
        Decrement(_perIp, clientIp);
    }

    /// <summary>Sessions authenticated as this account now.</summary>
    public int CountForAccount(string account) => _perAccount.TryGetValue(account, out var n) ? n : 0;

    /// <summary>Takes a session slot of an account that just authenticated; false when it has its most already (nothing taken then).</summary>
    public bool TryAcquireAccount(string account)
    {
        if (_perAccount.AddOrUpdate(account, 1, (_, n) => n + 1) > _limits.MaxSessionsPerAccount)
        {
            ReleaseAccount(account);
            return false;
        }

        return true;
    }

    /// <summary>Gives back the slot taken by <see cref="TryAcquireAccount"/>.</summary>
    public void ReleaseAccount(string account) => Decrement(_perAccount, account);

    private static void Decrement<TKey>(ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        while (counts.TryGetValue(key, out var n))
        {
            if (n <= 1 ? counts.TryRemove(new KeyValuePair<TKey, int>(key, n)) : counts.TryUpdate(key, n - 1, n))
            {
                return;
            }
        }
    }
}
