using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// A budget of new sessions for a client address whose recent sessions were all refused: once
/// <see cref="SmtpLimits.RefusedSessionsBeforeAddressBudget"/> sessions from it had their MAIL FROM refused within a
/// minute and none from it had a MAIL FROM accepted within <see cref="SmtpLimits.AcceptedMailShieldsAddressFor"/>, it may
/// open <see cref="SmtpLimits.RefusedAddressSessionsPerMinute"/> new sessions a minute; the others get 421 4.7.0 at
/// connect, before the greeting and before any TLS handshake, and count as refused too, so the budget holds while the
/// flood goes on and lifts a minute after it stops. An address that has mail accepted (an honest account behind the same
/// NAT or front end) is never budgeted. In memory, per node, on the monotonic clock; thread-safe.
/// </summary>
public sealed class RefusedAddressBudget
{
    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();
    private readonly SmtpLimits _limits;
    private readonly TimeProvider _time;
    private readonly SweepGate _sweep;

    public RefusedAddressBudget(IOptions<SmtpOptions> options, TimeProvider time)
    {
        _limits = options.Value.Limits;
        _time = time;
        _sweep = new SweepGate(time);
    }

    /// <summary>Addresses remembered now.</summary>
    public int Count => _entries.Count;

    /// <summary>True when a new session from <paramref name="clientIp"/> may start; false when it is over its budget (counted as refused).</summary>
    public bool TryAdmit(IPAddress clientIp)
    {
        if (_limits.RefusedAddressSessionsPerMinute <= 0 || !_entries.TryGetValue(clientIp, out var entry))
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (entry)
        {
            if (!IsBudgeted(entry, now))
            {
                return true;
            }

            var interval = _time.TimestampFrequency * 60 / _limits.RefusedAddressSessionsPerMinute;
            if (now >= entry.NextAdmission)
            {
                entry.NextAdmission = Math.Max(entry.NextAdmission, now) + interval;
                return true;
            }

            entry.Refused.Add(now, _time.TimestampFrequency);
            return false;
        }
    }

    /// <summary>A session from <paramref name="clientIp"/> had its (first) MAIL FROM refused by the relay.</summary>
    public void NoteRefused(IPAddress clientIp)
    {
        var now = _time.GetTimestamp();
        var entry = _entries.GetOrAdd(clientIp, static _ => new Entry());
        lock (entry)
        {
            entry.Refused.Add(now, _time.TimestampFrequency);
        }

        Prune(now);
    }

    /// <summary>A session from <paramref name="clientIp"/> had a MAIL FROM accepted: the address is not budgeted for a while.</summary>
    public void NoteAccepted(IPAddress clientIp)
    {
        // Remembered before any refusal too: mail accepted before a flood began shields the address from it.
        var now = _time.GetTimestamp();
        var entry = _entries.GetOrAdd(clientIp, static _ => new Entry());
        lock (entry)
        {
            entry.AcceptedAt = now;
        }

        Prune(now);
    }

    private bool IsBudgeted(Entry entry, long now)
    {
        return !IsShielded(entry, now) && entry.Refused.PerMinute(now, _time.TimestampFrequency) > _limits.RefusedSessionsBeforeAddressBudget;
    }

    /// <summary>Whether the address had mail accepted recently enough never to be budgeted.</summary>
    private bool IsShielded(Entry entry, long now)
        => entry.AcceptedAt is { } accepted && _time.GetElapsedTime(accepted, now) < _limits.AcceptedMailShieldsAddressFor;

    private void Prune(long now)
    {
        if (!_sweep.TryEnter(_entries.Count, now))
        {
            return;
        }

        foreach (var (address, entry) in _entries)
        {
            lock (entry)
            {
                var quiet = entry.Refused.PerMinute(now, _time.TimestampFrequency) < 1;
                if (quiet && !IsShielded(entry, now))
                {
                    _entries.TryRemove(address, out _);
                }
            }
        }
    }

    private sealed class Entry
    {
        public MinuteCount Refused;

        public long? AcceptedAt;

        public long NextAdmission;
    }
}
