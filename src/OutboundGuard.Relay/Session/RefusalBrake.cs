using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Relay;

/// <summary>
/// Slows a suspended or throttled account's reconnections: once more than <see cref="RelayOptions.RefusedSessionsBeforeDelay"/>
/// of its sessions were refused at MAIL FROM within a minute on this node, the first refusal of each further session waits
/// <see cref="RelayOptions.RefusalDelayStep"/> for every session over that count, at most <see cref="RelayOptions.MaxRefusalDelay"/>,
/// before it is answered; only sessions that are the account's own (AUTH, or a client certificate naming it), never a
/// connector's, which carries other accounts' mail. An account flooding from many connections then holds each one for seconds instead of taking a
/// TLS handshake's CPU every few milliseconds; its concurrent sessions are bounded by the SMTP layer's
/// <c>MaxSessionsPerAccount</c>. The delay comes after AUTH (which answers a suspended account exactly as an active one,
/// so it tells nothing about a password) and only to the account's own sessions: other accounts on the same address
/// never wait. A session that is refused again (an MTA moving on to its next queued message) is not delayed again: it
/// costs no handshake. In memory, per node, on the monotonic clock (never the replay clock); thread-safe.
/// </summary>
internal sealed class RefusalBrake(IOptions<RelayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, StrongBox<MinuteCount>> _accounts = new();
    private readonly ConditionalWeakTable<SmtpSessionInfo, object> _refusedSessions = new();
    private readonly SweepGate _sweep = new(time);

    /// <summary>Accounts remembered now.</summary>
    public int Count => _accounts.Count;

    /// <summary>
    /// Counts the session's refusal (its first only) and returns how long to wait before answering it: zero for a later
    /// refusal in the same session and while the account has had at most <see cref="RelayOptions.RefusedSessionsBeforeDelay"/>
    /// sessions refused in the last minute.
    /// </summary>
    public TimeSpan Refused(SmtpSessionInfo session, long accountId)
    {
        var relay = options.Value;
        if (relay.MaxRefusalDelay <= TimeSpan.Zero || !_refusedSessions.TryAdd(session, session))
        {
            return TimeSpan.Zero;
        }

        var now = time.GetTimestamp();
        var count = _accounts.GetOrAdd(accountId, static _ => new StrongBox<MinuteCount>());
        double refused;
        lock (count)
        {
            refused = count.Value.PerMinute(now, time.TimestampFrequency);
            count.Value.Add(now, time.TimestampFrequency);
        }

        Prune(now);
        var over = refused - relay.RefusedSessionsBeforeDelay;
        return over <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Min(relay.MaxRefusalDelay.Ticks, relay.RefusalDelayStep.Ticks * Math.Ceiling(over)));
    }

    private void Prune(long now)
    {
        if (!_sweep.TryEnter(_accounts.Count, now))
        {
            return;
        }

        foreach (var (account, count) in _accounts)
        {
            lock (count)
            {
                if (count.Value.PerMinute(now, time.TimestampFrequency) < 1)
                {
                    _accounts.TryRemove(account, out _);
                }
            }
        }
    }
}
