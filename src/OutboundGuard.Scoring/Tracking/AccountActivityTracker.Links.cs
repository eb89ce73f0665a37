using System.Globalization;
using System.Net;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// Links between accounts and suspended ones: client IPs a suspended account abused (not the tenant's shared
/// servers) and young accounts created together with a suspended young one (not the tenant's first accounts).
/// </summary>
public sealed partial class AccountActivityTracker
{
    private const int AccountsPerClientIp = 64;
    private const int MaxLinks = 16;

    private readonly Lock _linksLock = new();
    private readonly Dictionary<IPAddress, Taint> _taintedIps = new();
    private readonly Dictionary<long, SuspendedAccount> _suspended = new();

    /// <summary>The suspensions in the order they were noted, so the stale ones are dropped from the front (amortised O(1), not a scan per suspension).</summary>
    private readonly Queue<(long Id, DateTimeOffset At)> _suspendedOrder = new();
    private readonly Dictionary<IPAddress, ClientIpUse> _ipUse = new();
    private readonly Dictionary<string, DateTimeOffset> _tenantFirstCreated = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Notes that an account was suspended (by the policy or by ops). The client IPs its flagged messages (throttle or
    /// worse) came from in the last hour taint other accounts that use them — not every IP it used, since an office NAT
    /// address is shared by honest colleagues, and not an IP that several established accounts of its tenant were already
    /// sending from (<see cref="ActivityTrackerOptions.SharedIpAccounts"/>: the tenant's own mail server or connector).
    /// When it is young, young accounts of its tenant created within minutes of it are linked to it as they send.
    /// </summary>
    public void MarkSuspended(long accountId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (!_accounts.TryGetValue(accountId, out AccountActivity? s))
        {
            return;
        }

        List<IPAddress> ips;
        string tenant;
        DateTimeOffset created;
        lock (s)
        {
            s.Evict(now);
            ips = [.. s.FlaggedIps.Where(kv => kv.Value > now.UtcTicks - TimeSpan.TicksPerHour).Select(kv => kv.Key)];
            tenant = s.Tenant;
            created = s.CreatedAt;
            s.ProbationUntil = null;
        }

        lock (_linksLock)
        {
            if (!_suspended.TryAdd(accountId, new SuspendedAccount(tenant, created, now)))
            {
                return; // already noted; its links were made then
            }

            _suspendedOrder.Enqueue((accountId, now));
            TimeSpan memory = _options.EstablishedAge + _options.LinkedIpMemory;
            while (_suspendedOrder.TryPeek(out (long Id, DateTimeOffset At) oldest) && now - oldest.At > memory)
            {
                _suspendedOrder.Dequeue();
                if (_suspended.TryGetValue(oldest.Id, out SuspendedAccount? entry) && entry.At == oldest.At)
                {
                    _suspended.Remove(oldest.Id);
                }
            }

            foreach (IPAddress ip in ips.Where(ip => !IsSharedByTenant(ip, tenant, accountId, now)))
            {
                _taintedIps[ip] = new Taint(accountId, now, now + _options.LinkedIpMemory);
            }
        }
    }

    /// <summary>
    /// Notes that ops reinstated an account: it is on probation (tighter scoring) until <paramref name="probationUntil"/>,
    /// its taints are lifted, and links made before the reinstatement no longer count against it.
    /// </summary>
    public void Reinstate(long accountId, DateTimeOffset probationUntil)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_linksLock)
        {
            _suspended.Remove(accountId);
            foreach (IPAddress ip in _taintedIps.Where(kv => kv.Value.AccountId == accountId).Select(kv => kv.Key).ToList())
            {
                _taintedIps.Remove(ip);
            }
        }

        AccountActivity a = Get(accountId, string.Empty, now);
        lock (a)
        {
            a.ProbationUntil = probationUntil;
            a.ReinstatedAt = now;
        }
    }

    /// <summary>Whether this node holds the account as suspended (by its own verdict or by <see cref="MarkSuspended"/>).</summary>
    public bool IsMarkedSuspended(long accountId)
    {
        lock (_linksLock)
        {
            return _suspended.ContainsKey(accountId);
        }
    }

    /// <summary>The account's links to suspended accounts now, without recording anything (a held message's rescan); empty for an account this node has not seen.</summary>
    public IReadOnlyList<string> LinksToSuspended(long accountId)
    {
        if (!_accounts.TryGetValue(accountId, out AccountActivity? a))
        {
            return [];
        }

        lock (a)
        {
            return LinksOf(a, _time.GetUtcNow());
        }
    }

    /// <summary>The account's links to suspended accounts now; called under the account's lock.</summary>
    private List<string> LinksOf(AccountActivity a, DateTimeOffset now)
    {
        List<string> links = [];
        DateTimeOffset since = a.ReinstatedAt ?? DateTimeOffset.MinValue;
        lock (_linksLock)
        {
            foreach (IPAddress ip in a.IpsDay.Keys)
            {
                if (_taintedIps.TryGetValue(ip, out Taint? t) && t.AccountId != a.Id && t.Until > now && t.At > since && links.Count < MaxLinks
                    && !(_suspended.TryGetValue(t.AccountId, out SuspendedAccount? owner) && IsSharedByTenant(ip, owner.Tenant, t.AccountId, now)))
                {
                    links.Add($"shares client IP {ip} with suspended account {t.AccountId.ToString(CultureInfo.InvariantCulture)}");
                }
            }

            if (_suspended.Count > 0 && IsYoung(a.CreatedAt, now))
            {
                AddSiblings(a, now, since, links);
            }
        }

        return links;
    }

    private void AddSiblings(AccountActivity a, DateTimeOffset now, DateTimeOffset since, List<string> links)
    {
        DateTimeOffset tenantFirst = _tenantFirstCreated.TryGetValue(a.Tenant, out DateTimeOffset first) ? first : a.CreatedAt;
        foreach ((long id, SuspendedAccount s) in _suspended)
        {
            TimeSpan apart = (a.CreatedAt - s.CreatedAt).Duration();
            if (id == a.Id || s.At <= since || links.Count >= MaxLinks || !IsYoung(s.CreatedAt, now) || apart > _options.FirstSeenTogetherWindow
                || !string.Equals(s.Tenant, a.Tenant, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The tenant's first accounts were created together by its onboarding (or stamped together when the relay first
            // saw a connector's senders): being created with them says nothing.
            if (s.CreatedAt - tenantFirst <= _options.FirstSeenTogetherWindow && a.CreatedAt - tenantFirst <= _options.FirstSeenTogetherWindow)
            {
                continue;
            }

            links.Add($"created within {apart.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min of suspended account {id.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private bool IsYoung(DateTimeOffset created, DateTimeOffset now) => created != default && now - created < _options.EstablishedAge;

    /// <summary>Remembers that the account sent from <paramref name="ip"/>; called under the account's lock.</summary>
    private void NoteClientUse(IPAddress ip, AccountActivity a, DateTimeOffset now)
    {
        lock (_linksLock)
        {
            if (a.CreatedAt != default && a.Tenant.Length > 0
                && (!_tenantFirstCreated.TryGetValue(a.Tenant, out DateTimeOffset first) || a.CreatedAt < first))
            {
                _tenantFirstCreated[a.Tenant] = a.CreatedAt;
            }

            if (!_ipUse.TryGetValue(ip, out ClientIpUse? use))
            {
                if (_ipUse.Count >= _options.TrackedClientIps)
                {
                    foreach (IPAddress old in _ipUse.OrderBy(kv => kv.Value.LastUse).Take(_ipUse.Count / 2).Select(kv => kv.Key).ToList())
                    {
                        _ipUse.Remove(old);
                    }
                }

                use = new ClientIpUse();
                _ipUse[ip] = use;
            }

            use.LastUse = now;
            if (use.Accounts.TryGetValue(a.Id, out ClientIpUser? user))
            {
                user.LastUse = now;
                user.CreatedAt = a.CreatedAt;
                return;
            }

            if (use.Accounts.Count >= AccountsPerClientIp)
            {
                foreach (long gone in use.Accounts.Where(kv => now - kv.Value.LastUse > TimeSpan.FromDays(1)).Select(kv => kv.Key).ToList())
                {
                    use.Accounts.Remove(gone);
                }
            }

            if (use.Accounts.Count < AccountsPerClientIp)
            {
                use.Accounts[a.Id] = new ClientIpUser(a.Tenant, now) { LastUse = now, CreatedAt = a.CreatedAt };
            }
        }
    }

    /// <summary>Remembers when a message from <paramref name="ip"/> was first flagged (within a day).</summary>
    private void NoteClientFlagged(IPAddress ip, long accountId, DateTimeOffset now)
    {
        lock (_linksLock)
        {
            if (!_ipUse.TryGetValue(ip, out ClientIpUse? use))
            {
                return;
            }

            if (use.FirstFlagged is not { } at || now - at > TimeSpan.FromDays(1))
            {
                use.FirstFlagged = now;
            }

            if (use.Accounts.TryGetValue(accountId, out ClientIpUser? user))
            {
                user.Flagged = true;
            }
        }
    }

    /// <summary>
    /// Called under <see cref="_linksLock"/>: whether the IP is shared infrastructure rather than the suspended account's
    /// own: accounts of two or more other tenants send from it (a webmail front end, a mail platform, a shared NAT), or
    /// established accounts of the tenant regularly did before it was flagged (the tenant's mail server or connector).
    /// </summary>
    private bool IsSharedByTenant(IPAddress ip, string tenant, long suspendedId, DateTimeOffset now)
    {
        if (!_ipUse.TryGetValue(ip, out ClientIpUse? use))
        {
            return false;
        }

        int otherTenants = use.Accounts.Where(kv => kv.Key != suspendedId && now - kv.Value.LastUse <= TimeSpan.FromDays(1)
                && !string.Equals(kv.Value.Tenant, tenant, StringComparison.OrdinalIgnoreCase) && !_suspended.ContainsKey(kv.Key))
            .Select(kv => kv.Value.Tenant).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        if (otherTenants >= 2)
        {
            return true;
        }

        // Regulars: established colleagues who used it before it was flagged, or who have used it for a while without ever being
        // flagged from it (on a fresh node nobody has history from before the flag; compromised accounts of the tenant on an
        // attacker's address are flagged, or only just started using it).
        DateTimeOffset usedBefore = (use.FirstFlagged ?? now) - _options.SharedIpMinimumHistory;
        int regulars = use.Accounts.Count(kv => kv.Key != suspendedId
            && string.Equals(kv.Value.Tenant, tenant, StringComparison.OrdinalIgnoreCase)
            && (kv.Value.FirstUse <= usedBefore || (!kv.Value.Flagged && !_suspended.ContainsKey(kv.Key) && now - kv.Value.FirstUse >= _options.SharedIpMinimumHistory))
            && now - kv.Value.LastUse <= TimeSpan.FromDays(1)
            && kv.Value.CreatedAt != default && now - kv.Value.CreatedAt >= _options.EstablishedAge);
        return regulars >= _options.SharedIpAccounts;
    }

    private sealed record Taint(long AccountId, DateTimeOffset At, DateTimeOffset Until);

    private sealed record SuspendedAccount(string Tenant, DateTimeOffset CreatedAt, DateTimeOffset At);

    private sealed class ClientIpUse
    {
        public Dictionary<long, ClientIpUser> Accounts { get; } = new();
        public DateTimeOffset LastUse { get; set; }
        public DateTimeOffset? FirstFlagged { get; set; }
    }

    private sealed class ClientIpUser(string tenant, DateTimeOffset firstUse)
    {
        public string Tenant { get; } = tenant;
        public DateTimeOffset FirstUse { get; } = firstUse;
        public DateTimeOffset LastUse { get; set; }
        public DateTimeOffset CreatedAt { get; set; }

        /// <summary>A message of this account from this IP was throttled or worse.</summary>
        public bool Flagged { get; set; }
    }
}
