using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// Logins as evidence. Failed AUTHs are counted per account whatever the client address; a successful AUTH that follows
/// a failure burst (<see cref="LoginScrutinyOptions.BurstFailures"/> in <see cref="LoginScrutinyOptions.BurstWindow"/>
/// from <see cref="LoginScrutinyOptions.BurstAddresses"/> addresses), or that comes from a client network the account never
/// used, raises the account's scrutiny for <see cref="LoginScrutinyOptions.ScrutinyPeriod"/>: its messages carry the
/// finding in words, which adds weight in scoring. Whether a network is new is the caller's to say (the host remembers
/// networks in PostgreSQL). In memory, per node; bounded; thread-safe.
/// </summary>
public sealed class LoginScrutiny
{
    private const int PruneThreshold = 100_000;

    private readonly LoginScrutinyOptions _options;
    private readonly ConcurrentDictionary<long, Queue<(long Ticks, IPAddress Client)>> _failures = new();
    private readonly ConcurrentDictionary<long, (DateTimeOffset Until, string Reason)> _raised = new();

    public LoginScrutiny(LoginScrutinyOptions? options = null)
    {
        _options = options ?? new LoginScrutinyOptions();
        _options.Validate();
    }

    public LoginScrutinyOptions Options => _options;

    /// <summary>Counts a failed AUTH of an existing account from <paramref name="client"/>.</summary>
    public void RecordFailure(long accountId, IPAddress client, DateTimeOffset at)
    {
        Queue<(long Ticks, IPAddress Client)> failures = _failures.GetOrAdd(accountId, _ => new Queue<(long, IPAddress)>());
        lock (failures)
        {
            failures.Enqueue((at.UtcTicks, client));
            while (failures.Count > _options.FailuresPerAccount)
            {
                failures.Dequeue();
            }
        }

        if (_failures.Count > PruneThreshold)
        {
            Prune(at);
        }
    }

    /// <summary>
    /// A successful AUTH from <paramref name="client"/>; <paramref name="newNetwork"/> when its client network is one the
    /// account never used (never for the account's first network, its learning period, or behind a front end). Returns the
    /// finding's words when it raises the account's scrutiny, else null.
    /// </summary>
    public string? RecordSuccess(long accountId, IPAddress client, bool newNetwork, DateTimeOffset at)
    {
        (int failures, int addresses) = BurstBefore(accountId, at);
        bool burst = failures >= _options.BurstFailures && addresses >= _options.BurstAddresses;
        if (!burst && !newNetwork)
        {
            return null;
        }

        string after = burst ? $" after {failures.ToString("#,0", CultureInfo.InvariantCulture)} failures in {Minutes(_options.BurstWindow)} from {addresses.ToString("#,0", CultureInfo.InvariantCulture)} addresses" : "";
        string reason = newNetwork
            ? $"first AUTH from {Describe(ClientNetwork.Of(client))}{after}"
            : $"AUTH from {client}{after}";
        if (burst)
        {
            // The burst is told once: the account's next logins start from a clean slate.
            _failures.TryRemove(accountId, out _);
        }

        _raised[accountId] = (at + _options.ScrutinyPeriod, reason);
        return reason;
    }

    /// <summary>The account's raised scrutiny in words with its end, or null when there is none at <paramref name="now"/>.</summary>
    public string? Current(long accountId, DateTimeOffset now)
    {
        if (!_raised.TryGetValue(accountId, out (DateTimeOffset Until, string Reason) raised))
        {
            return null;
        }

        if (raised.Until <= now)
        {
            _raised.TryRemove(KeyValuePair.Create(accountId, raised));
            return null;
        }

        return $"{raised.Reason}; under scrutiny until {raised.Until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
    }

    /// <summary>Forgets the account's failures and scrutiny (ops reinstated it, or found it a false alarm).</summary>
    public void Forget(long accountId)
    {
        _failures.TryRemove(accountId, out _);
        _raised.TryRemove(accountId, out _);
    }

    /// <summary>A client network as ops write it: 198.51.100.0/24, 2001:db8:1::/48.</summary>
    public static string Describe(IPAddress network)
        => network.ToString() + (network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "/24" : "/48");

    private (int Failures, int Addresses) BurstBefore(long accountId, DateTimeOffset at)
    {
        if (!_failures.TryGetValue(accountId, out Queue<(long Ticks, IPAddress Client)>? failures))
        {
            return (0, 0);
        }

        long since = (at - _options.BurstWindow).UtcTicks;
        lock (failures)
        {
            while (failures.Count > 0 && failures.Peek().Ticks < since)
            {
                failures.Dequeue();
            }

            return (failures.Count, failures.Select(f => f.Client).Distinct().Count());
        }
    }

    private void Prune(DateTimeOffset now)
    {
        long since = (now - _options.BurstWindow).UtcTicks;
        foreach ((long id, Queue<(long Ticks, IPAddress Client)> failures) in _failures)
        {
            bool stale;
            lock (failures)
            {
                stale = failures.Count == 0 || failures.Last().Ticks < since;
            }

            if (stale)
            {
                _failures.TryRemove(id, out _);
            }
        }

        foreach ((long id, (DateTimeOffset Until, string Reason) raised) in _raised)
        {
            if (raised.Until <= now)
            {
                _raised.TryRemove(id, out _);
            }
        }
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("#,0", CultureInfo.InvariantCulture) + " min";
}
