using System.Collections.Concurrent;
using System.Net;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// The per-node hot counters of every account: sliding windows of 1 min, 10 min, 1 h and 1 day of
/// messages and recipients, distinct recipient domains, first-time recipients, client IPs, parallel
/// sessions, the learned hour-of-week baseline and downstream replies. Memory per account is bounded
/// (buckets and capped key sets, see <see cref="ActivityTrackerOptions"/>). Time comes from the
/// <see cref="TimeProvider"/>. After a restart, <see cref="Seed"/> and <see cref="SeedKnownRecipients"/>
/// restore the windows from persisted history. Thread-safe.
/// </summary>
public sealed partial class AccountActivityTracker
{
    private readonly TimeProvider _time;
    private readonly ActivityTrackerOptions _options;
    private readonly ConcurrentDictionary<long, AccountActivity> _accounts = new();
    private readonly Dictionary<string, Dictionary<string, long>> _tenantDomains = new(StringComparer.OrdinalIgnoreCase);

    public AccountActivityTracker(TimeProvider timeProvider, ActivityTrackerOptions? options = null)
    {
        _time = timeProvider;
        _options = options ?? new ActivityTrackerOptions();
        Logins = new LoginScrutiny(_options.Logins);
    }

    /// <summary>Failed and successful AUTHs per account, and the scrutiny they raise (the host's AUTH path feeds it).</summary>
    public LoginScrutiny Logins { get; }

    /// <summary>Accounts currently tracked on this node.</summary>
    public int AccountCount => _accounts.Count;

    /// <summary>
    /// Records one message attempt (whatever its verdict will be) and returns the account's activity with
    /// it included. Called by <c>ScoringPipeline.Score</c>; the host does not call it directly.
    /// </summary>
    public AccountHistory RecordAttempt(MessageUnderReview message)
    {
        DateTimeOffset now = _time.GetUtcNow();
        AccountActivity a = Get(message.Account.Id, message.Account.Tenant, now);
        lock (a)
        {
            a.Evict(now);
            a.CreatedAt = message.Account.CreatedAt;
            a.ImportedUsualPerHour = message.Account.UsualMessagesPerHour;
            a.LastSeen = now;
            IPAddress network = ClientNetwork.Of(message.ClientAddress);
            if (message.Content?.MessageId is { Length: > 0 } messageId && !a.NoteMessageId(Hash(messageId), now))
            {
                // The same message again (its Message-ID seen within a day): an MTA retrying after a 451. It was counted
                // the first time; counting each retry would keep a deferred backlog over its limits for ever.
                NoteSource(a, message, network, now);
                return Snapshot(a, now, 0) with { IsRetry = true };
            }

            int firstTime = 0;
            foreach (string rcpt in message.Recipients)
            {
                ulong h = Hash(rcpt);
                if (!a.KnownRecipients.ContainsKey(h))
                {
                    firstTime++;
                }

                a.KnownRecipients[h] = now.UtcTicks;
                a.Domains10.Add(now, DomainOf(rcpt));
            }

            TrimKnownRecipients(a);
            bool newNetwork = a.NetworksDay.Count > 0 && !a.NetworksDay.Contains(network);
            a.NetworksDay.Add(now, network);
            int n = message.Recipients.Count;
            a.Minute.Add(now, 1, n, firstTime);
            a.TenMinutes.Add(now, 1, n, firstTime);
            a.Hour.Add(now, 1, n, firstTime);
            a.Day.Add(now, 1, n, firstTime);
            NoteSource(a, message, network, now);
            NoteClientUse(message.ClientAddress, a, now);
            return Snapshot(a, now, firstTime) with { NewClientNetwork = newNetwork ? network : null };
        }
    }

    /// <summary>Where the attempt came from (client network and address, session); called under the account's lock.</summary>
    private static void NoteSource(AccountActivity a, MessageUnderReview message, IPAddress network, DateTimeOffset now)
    {
        a.IpsHour.Add(now, network);
        a.IpsDay.Add(now, message.ClientAddress);
        a.Sessions1.Add(now, message.SessionId);
    }

    /// <summary>
    /// Notes that a message of the account from <paramref name="clientAddress"/> got a throttle or worse (called by
    /// the pipeline); <paramref name="forContent"/> when its content or links alone weighed 40 or more.
    /// </summary>
    public void RecordFlagged(long accountId, IPAddress clientAddress, bool forContent = false)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_accounts.TryGetValue(accountId, out AccountActivity? a))
        {
            lock (a)
            {
                if (forContent)
                {
                    a.ContentFlags.Enqueue(now.UtcTicks);
                    if (a.ContentFlags.Count > 256)
                    {
                        a.ContentFlags.Dequeue();
                    }
                }

                a.FlaggedIps[clientAddress] = now.UtcTicks;
                if (a.FlaggedIps.Count > 64)
                {
                    foreach (IPAddress old in a.FlaggedIps.OrderBy(kv => kv.Value).Take(32).Select(kv => kv.Key).ToList())
                    {
                        a.FlaggedIps.Remove(old);
                    }
                }
            }
        }

        NoteClientFlagged(clientAddress, accountId, now);
    }

    /// <summary>Counts a relayed message into the account's baseline and clean history (called by the pipeline).</summary>
    public void RecordRelayed(long accountId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_accounts.TryGetValue(accountId, out AccountActivity? a))
        {
            lock (a)
            {
                a.Baseline.Count(now, 1);
                a.CleanMessages++;
            }
        }
    }

    /// <summary>
    /// Restores an account's windows and baseline from persisted history after a restart: each entry is a
    /// relayed message with its recipient count. Entries older than a week only teach nothing and are skipped.
    /// </summary>
    public void Seed(long accountId, IEnumerable<(DateTimeOffset At, int Recipients)> history, string tenant = "")
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<(DateTimeOffset At, int Recipients)> ordered = history.Where(h => h.At <= now && h.At > now.AddDays(-7)).OrderBy(h => h.At).ToList();
        if (ordered.Count == 0)
        {
            return;
        }

        AccountActivity a = Get(accountId, tenant, ordered[0].At);
        lock (a)
        {
            if (ordered[0].At < a.FirstSeen)
            {
                a.FirstSeen = ordered[0].At;
            }

            foreach ((DateTimeOffset at, int recipients) in ordered)
            {
                a.Minute.Add(at, 1, recipients, 0);
                a.TenMinutes.Add(at, 1, recipients, 0);
                a.Hour.Add(at, 1, recipients, 0);
                a.Day.Add(at, 1, recipients, 0);
                a.Baseline.Count(at, 1);
                a.CleanMessages++;
            }

            a.Baseline.Roll(now);
            a.Evict(now);
        }
    }

    /// <summary>Restores the recipients an account wrote to before (persisted), so they are not first-time after a restart.</summary>
    public void SeedKnownRecipients(long accountId, IEnumerable<string> recipients, string tenant = "")
    {
        DateTimeOffset now = _time.GetUtcNow();
        AccountActivity a = Get(accountId, tenant, now);
        lock (a)
        {
            foreach (string r in recipients)
            {
                a.KnownRecipients[Hash(r)] = now.UtcTicks;
            }

            TrimKnownRecipients(a);
        }
    }

    /// <summary>
    /// Records the smarthost's reply to a message of this account (the Delivery box calls it for every
    /// reply it gets, one per recipient): 5xx "unknown user" and "blocked" replies feed the downstream-feedback
    /// detector, and the last few refused <paramref name="recipient"/>s are kept to name them in its evidence.
    /// </summary>
    public void RecordDownstreamReply(long accountId, int code, string text, DateTimeOffset at, string? recipient = null)
    {
        AccountActivity a = Get(accountId, string.Empty, at);
        DownstreamKind kind = ClassifyReply(code, text);
        lock (a)
        {
            if (kind == DownstreamKind.UnknownUser && !string.IsNullOrEmpty(recipient))
            {
                a.UnknownRecipients.Enqueue((at.UtcTicks, recipient));
                while (a.UnknownRecipients.Count > AccountActivity.UnknownSampleSize)
                {
                    a.UnknownRecipients.Dequeue();
                }
            }

            a.Downstream.Enqueue((at.UtcTicks, kind));
            while (a.Downstream.Count > _options.DownstreamRepliesPerAccount)
            {
                a.Downstream.Dequeue();
            }
        }
    }

    /// <summary>
    /// Forgets accounts with no message for <paramref name="idleFor"/> (at least 8 days is sensible: the baseline is
    /// a week of rhythm), so a node's memory follows its active accounts. Returns how many were dropped; the host
    /// calls it from a periodic job, and a dropped account is re-seeded from PostgreSQL when it returns.
    /// </summary>
    public int PruneIdle(TimeSpan idleFor)
    {
        DateTimeOffset cutoff = _time.GetUtcNow() - idleFor;
        int dropped = 0;
        foreach ((long id, AccountActivity a) in _accounts)
        {
            bool idle;
            lock (a)
            {
                idle = a.LastSeen < cutoff && a.Downstream.Count == 0;
            }

            if (idle && _accounts.TryRemove(id, out _))
            {
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Returns those of <paramref name="domains"/> that no account of the tenant linked to before, and remembers them.</summary>
    internal List<string> ObserveTenantDomains(string tenant, IEnumerable<string> domains)
    {
        long now = _time.GetUtcNow().UtcTicks;
        List<string> fresh = [];
        lock (_tenantDomains)
        {
            if (!_tenantDomains.TryGetValue(tenant, out Dictionary<string, long>? known))
            {
                known = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
                _tenantDomains[tenant] = known;
            }

            foreach (string d in domains)
            {
                if (!known.ContainsKey(d))
                {
                    fresh.Add(d);
                }

                known[d] = now;
            }

            if (known.Count > _options.LinkDomainsPerTenant)
            {
                foreach (string old in known.OrderBy(kv => kv.Value).Take(known.Count / 2).Select(kv => kv.Key).ToList())
                {
                    known.Remove(old);
                }
            }
        }

        return fresh;
    }

    /// <summary>Teaches the tenant's usual link domains (e.g. its own web site) so they are not reported as new.</summary>
    public void SeedTenantDomains(string tenant, IEnumerable<string> domains) => ObserveTenantDomains(tenant, domains);

    private AccountHistory Snapshot(AccountActivity a, DateTimeOffset now, int firstTimeInMessage)
    {
        List<string> links = LinksOf(a, now);
        return new AccountHistory
        {
            Now = now,
            MessagesLastMinute = a.Minute.Messages,
            MessagesLast10Minutes = a.TenMinutes.Messages,
            MessagesLastHour = a.Hour.Messages,
            MessagesLastDay = a.Day.Messages,
            RecipientsLastMinute = a.Minute.Recipients,
            RecipientsLast10Minutes = a.TenMinutes.Recipients,
            RecipientsLastHour = a.Hour.Recipients,
            RecipientsLastDay = a.Day.Recipients,
            DistinctRecipientDomainsLast10Minutes = a.Domains10.Count,
            FirstTimeRecipientsLast10Minutes = a.TenMinutes.FirstTimeRecipients,
            FirstTimeRecipientsInMessage = firstTimeInMessage,
            DistinctClientIpsLastHour = a.IpsHour.Count,
            ParallelSessions = a.Sessions1.Count,
            BaselineMessagesPerHour = a.Baseline.Expected(now) ?? a.ImportedUsualPerHour,
            PeakMessagesPerHour = a.Baseline.PeakHour,
            CleanMessages = a.CleanMessages,
            ContentFlaggedLastDay = a.ContentFlags.Count,
            Downstream = a.DownstreamCounts(),
            UnknownRecipientSample = [.. a.UnknownRecipients.Select(u => u.Address)],
            LoginScrutiny = Logins.Current(a.Id, now),
            LinksToSuspendedAccounts = links,
            ProbationUntil = a.ProbationUntil is { } p && p > now ? p : null,
        };
    }

    private AccountActivity Get(long id, string tenant, DateTimeOffset firstSeen)
    {
        AccountActivity a = _accounts.GetOrAdd(id, static (key, s) => new AccountActivity(key, s.tenant, s.firstSeen, s.options), (tenant, firstSeen, options: _options));
        if (a.Tenant.Length == 0 && tenant.Length > 0)
        {
            lock (a)
            {
                a.Tenant = tenant;
            }
        }

        return a;
    }

    private void TrimKnownRecipients(AccountActivity a)
    {
        if (a.KnownRecipients.Count <= _options.KnownRecipientsPerAccount)
        {
            return;
        }

        foreach (ulong old in a.KnownRecipients.OrderBy(kv => kv.Value).Take(a.KnownRecipients.Count / 2).Select(kv => kv.Key).ToList())
        {
            a.KnownRecipients.Remove(old);
        }
    }

    internal static DownstreamKind ClassifyReply(int code, string text)
    {
        if (code is < 500 or > 599)
        {
            return DownstreamKind.Other;
        }

        string t = text.ToLowerInvariant();
        if (t.Contains("5.1.1", StringComparison.Ordinal) || t.Contains("unknown user", StringComparison.Ordinal) || t.Contains("user unknown", StringComparison.Ordinal)
            || t.Contains("no such user", StringComparison.Ordinal) || t.Contains("does not exist", StringComparison.Ordinal) || t.Contains("mailbox unavailable", StringComparison.Ordinal))
        {
            return DownstreamKind.UnknownUser;
        }

        if (t.Contains("blocked", StringComparison.Ordinal) || t.Contains("blocklist", StringComparison.Ordinal) || t.Contains("blacklist", StringComparison.Ordinal)
            || t.Contains("spam", StringComparison.Ordinal) || t.Contains("5.7.1", StringComparison.Ordinal) || t.Contains("policy", StringComparison.Ordinal))
        {
            return DownstreamKind.Blocked;
        }

        return DownstreamKind.Other;
    }

    internal static string DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        return (at >= 0 ? address[(at + 1)..] : address).Trim().TrimEnd('>').ToLowerInvariant();
    }

    private static ulong Hash(string s)
    {
        // FNV-1a over the lower-cased address: 8 bytes per remembered recipient instead of the string.
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= char.ToLowerInvariant(c);
            h *= 1099511628211UL;
        }

        return h;
    }
}
