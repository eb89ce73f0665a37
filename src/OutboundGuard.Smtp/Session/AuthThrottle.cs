using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Slows down and locks out AUTH guessing. Failures are counted per client IP and per user name over
/// <see cref="SmtpLimits.AuthLockout"/>; after <see cref="SmtpLimits.MaxAuthFailures"/> either key is
/// locked out for the same period. In memory, per node; time from <see cref="TimeProvider"/>.
/// </summary>
public sealed class AuthThrottle
{
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SmtpLimits _limits;

    public AuthThrottle(IOptions<SmtpOptions> options, TimeProvider time)
    {
        _limits = options.Value.Limits;
        _time = time;
    }

    /// <summary>True when the IP or the user name is locked out now.</summary>
    public bool IsLockedOut(IPAddress clientIp, string? userName)
        => IsLocked(IpKey(clientIp)) || (userName is not null && IsLocked(UserKey(userName)));

    /// <summary>Records a failed AUTH and returns how long to wait before answering it.</summary>
    public TimeSpan RecordFailure(IPAddress clientIp, string userName)
    {
        var ipFailures = Increment(IpKey(clientIp));
        var userFailures = Increment(UserKey(userName));
        Prune();
        var failures = Math.Min(Math.Max(ipFailures, userFailures), 5);
        return _limits.AuthFailureDelay * failures;
    }

    /// <summary>Clears the user name's failures after a successful AUTH; the IP's count stays.</summary>
    public void RecordSuccess(string userName) => _entries.TryRemove(UserKey(userName), out _);

    private static string IpKey(IPAddress ip) => "ip:" + ip;

    private static string UserKey(string userName) => "user:" + userName.ToLowerInvariant();

    private bool IsLocked(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            return entry.LockedUntil is { } until && until > _time.GetUtcNow();
        }
    }

    private int Increment(string key)
    {
        var now = _time.GetUtcNow();
        var entry = _entries.GetOrAdd(key, _ => new Entry { WindowStart = now });
        lock (entry)
        {
            if (now - entry.WindowStart > _limits.AuthLockout && entry.LockedUntil is null || entry.LockedUntil <= now)
            {
                entry.WindowStart = now;
                entry.Failures = 0;
                entry.LockedUntil = null;
            }

            entry.Failures++;
            if (entry.Failures >= _limits.MaxAuthFailures)
            {
                entry.LockedUntil = now + _limits.AuthLockout;
            }

            return entry.Failures;
        }
    }

    private void Prune()
    {
        if (_entries.Count < PruneThreshold)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.LockedUntil is null ? now - entry.WindowStart > _limits.AuthLockout : entry.LockedUntil <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
