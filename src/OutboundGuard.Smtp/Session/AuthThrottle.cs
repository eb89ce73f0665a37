using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Slows down and locks out AUTH guessing. Failures are counted per user name and client IP over
/// <see cref="SmtpLimits.AuthLockout"/>, and per client IP whatever the names; after
/// <see cref="SmtpLimits.MaxAuthFailures"/> for one user from one address, or <see cref="SmtpLimits.MaxAuthFailuresPerIp"/>
/// from one address, that key is locked out for the same period. A shared front end's other users are never locked out by
/// one user's typos, and nobody can lock a user out from another address. In memory, per node; time from <see cref="TimeProvider"/>.
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

    /// <summary>True when the IP, or the user name from this IP, is locked out now.</summary>
    public bool IsLockedOut(IPAddress clientIp, string? userName)
        => IsLocked(IpKey(clientIp)) || (userName is not null && IsLocked(UserKey(clientIp, userName)));

    /// <summary>Records a failed AUTH and returns how long to wait before answering it.</summary>
    public TimeSpan RecordFailure(IPAddress clientIp, string userName)
    {
        var ipFailures = Increment(IpKey(clientIp), _limits.MaxAuthFailuresPerIp);
        var userFailures = Increment(UserKey(clientIp, userName), _limits.MaxAuthFailures);
        Prune();
        // Only the failing AUTH's answer waits, so a busy front end's other users never feel it.
        var failures = Math.Min(Math.Max(ipFailures, userFailures), 5);
        return _limits.AuthFailureDelay * failures;
    }

    /// <summary>Clears the user name's failures from this IP after a successful AUTH; the IP's count stays.</summary>
    public void RecordSuccess(IPAddress clientIp, string userName) => _entries.TryRemove(UserKey(clientIp, userName), out _);

    private static string IpKey(IPAddress ip) => "ip:" + ip;

    private static string UserKey(IPAddress ip, string userName) => "user:" + ip + ":" + userName.ToLowerInvariant();

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

    private int Increment(string key, int limit)
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
            if (entry.Failures >= limit)
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
