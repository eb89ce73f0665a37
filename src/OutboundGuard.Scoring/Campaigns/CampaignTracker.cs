using System.Globalization;

namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// Groups messages by fuzzy body fingerprint (simhash, <see cref="BodyFingerprint"/>) across all accounts
/// and tenants of the node, so the same template sent by many accounts within minutes is seen as one
/// campaign; also counts accounts per exact link-domain set. Fingerprints confirmed as abuse (by ops or by a
/// suspension) are blocked for every account. Bounded (<see cref="CampaignTrackerOptions"/>); thread-safe.
/// </summary>
/// <remarks>
/// Tenant-template guard: a cluster whose senders are all established accounts of one tenant and whose
/// messages carry no bad URL and no phishing phrasing is that tenant's own template (a newsletter, a notice sent by many staff), not
/// a campaign; it is reported with <see cref="CampaignObservation.TemplateGuard"/> set and never auto-blocked — unless
/// <see cref="CampaignTrackerOptions.RunSenders"/> of its accounts each repeat it in a run
/// (<see cref="CampaignTrackerOptions.RunLength"/> messages within the window): staff send a notice once, compromised
/// accounts of one tenant repeat the same text to message after message.
/// </remarks>
public sealed partial class CampaignTracker
{
    private readonly CampaignTrackerOptions _options;
    private readonly Lock _lock = new();
    private readonly List<Cluster> _clusters = [];
    private readonly List<(ulong Fingerprint, string Reason, bool Confirmed)> _blocked = [];
    private readonly Dictionary<string, HashSet<string>> _domainTenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ulong, Dictionary<long, (long Ticks, string Tenant)>> _urlSets = new();
    private readonly FingerprintIndex<Cluster> _index = new();
    private readonly Dictionary<long, List<Cluster>> _byAccount = new();
    private long _nextSequence;
    private long _nextExpiry;

    public CampaignTracker(CampaignTrackerOptions? options = null) => _options = options ?? new CampaignTrackerOptions();

    public CampaignTrackerOptions Options => _options;

    /// <summary>Fingerprints currently blocked, hex, with the reason.</summary>
    public IReadOnlyList<(string Fingerprint, string Reason)> Blocked
    {
        get
        {
            lock (_lock)
            {
                return [.. _blocked.Select(b => (Hex(b.Fingerprint), b.Reason))];
            }
        }
    }

    /// <summary>Records one message's fingerprint and returns what is known of its campaign.</summary>
    /// <param name="fingerprint">The body simhash.</param>
    /// <param name="linkDomains">The registrable domains of the message's links.</param>
    /// <param name="accountId">The sending account.</param>
    /// <param name="tenant">Its tenant.</param>
    /// <param name="established">Whether the account is established (old enough, clean).</param>
    /// <param name="badUrls">Whether the message carries a bad URL (look-alike, blocklisted, mismatched text, IP literal) or phishing phrasing.</param>
    /// <param name="now">The clock's time.</param>
    /// <param name="words">How many words the fingerprinted text has: short and boilerplate texts carry too little to tell a campaign by.</param>
    /// <param name="brandNew">Whether the account was created within <see cref="CampaignTrackerOptions.NewAccountAge"/>: a sign-up put to use at once.</param>
    public CampaignObservation Observe(ulong fingerprint, IReadOnlyList<string> linkDomains, long accountId, string tenant, bool established, bool badUrls, DateTimeOffset now, int words = int.MaxValue, bool brandNew = false)
    {
        long t = now.UtcTicks;
        long since = t - _options.Window.Ticks;
        lock (_lock)
        {
            Expire(t);
            Cluster? c = Nearest(fingerprint, t - _options.Retention.Ticks);
            if (c is null)
            {
                c = new Cluster(fingerprint, _nextSequence++) { LastTicks = t };
                _clusters.Add(c);
                _index.Add(fingerprint, c);
                if (_clusters.Count > _options.MaxClusters)
                {
                    ExpireNow(t);
                    if (_clusters.Count > _options.MaxClusters)
                    {
                        Cluster evicted = _clusters.MinBy(x => x.LastTicks)!;
                        _clusters.Remove(evicted);
                        Forget(evicted);
                    }
                }
            }

            c.LastTicks = t;
            c.BadUrls |= badUrls;
            c.Rich |= words >= _options.RichWords;
            ulong urlSet = BodyFingerprint.OfUrlSet(UncommonDomains(linkDomains, tenant, established));
            c.UncommonLinks |= urlSet != 0;
            if (c.Accounts.TryGetValue(accountId, out Sender previous))
            {
                bool sameRun = t - previous.RunStart <= _options.Window.Ticks;
                c.Accounts[accountId] = new Sender(t, tenant, established, sameRun ? previous.RunStart : t, sameRun ? previous.Run + 1 : 1, brandNew);
            }
            else if (c.Accounts.Count < _options.MaxAccountsPerCluster)
            {
                c.Accounts[accountId] = new Sender(t, tenant, established, t, 1, brandNew);
                if (!_byAccount.TryGetValue(accountId, out List<Cluster>? sent))
                {
                    sent = [];
                    _byAccount[accountId] = sent;
                }

                sent.Add(c);
            }

            int accounts = 0, fresh = 0, repeating = 0, brandNewSenders = 0;
            // Distinct tenants: most clusters have one, so a set is made only at the second.
            string? firstTenant = null;
            HashSet<string>? tenants = null;
            foreach (Sender sender in c.Accounts.Values)
            {
                if (sender.Ticks >= since)
                {
                    accounts++;
                    if (firstTenant is null)
                    {
                        firstTenant = sender.Tenant;
                    }
                    else if (tenants is not null)
                    {
                        tenants.Add(sender.Tenant);
                    }
                    else if (!string.Equals(firstTenant, sender.Tenant, StringComparison.OrdinalIgnoreCase))
                    {
                        tenants = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { firstTenant, sender.Tenant };
                    }

                    fresh += sender.Established ? 0 : 1;
                    brandNewSenders += sender.BrandNew ? 1 : 0;
                    repeating += sender.Run >= _options.RunLength ? 1 : 0;
                }
            }

            (ulong _, string? blockedReason, bool confirmed) = c.BlockedReason is not null ? (c.Fingerprint, c.BlockedReason, c.BlockConfirmed)
                : BlockNear(fingerprint);
            int tenantCount = tenants?.Count ?? (firstTenant is null ? 0 : 1);
            bool guard = tenantCount == 1 && fresh == 0 && !c.BadUrls && repeating < _options.RunSenders;
            int urlSetAccounts = 0;
            if (urlSet != 0)
            {
                if (!_urlSets.TryGetValue(urlSet, out Dictionary<long, (long, string)>? senders))
                {
                    senders = [];
                    _urlSets[urlSet] = senders;
                }

                if (senders.Count < _options.MaxAccountsPerCluster)
                {
                    senders[accountId] = (t, tenant);
                }

                foreach ((long ticks, string _) in senders.Values)
                {
                    urlSetAccounts += ticks >= since ? 1 : 0;
                }
            }

            return new CampaignObservation(Hex(c.Fingerprint), accounts, tenantCount, fresh, _options.Window, blockedReason is not null, blockedReason, guard,
                c.SuspendedAccount is { } s && s != accountId ? s : null)
            {
                UrlSetAccounts = urlSetAccounts,
                BlockConfirmed = blockedReason is not null && confirmed,
                LowInformation = !c.Rich,
                BadContent = c.BadUrls,
                UncommonLinks = c.UncommonLinks,
                NewAccounts = brandNewSenders,
                RepeatingAccounts = repeating,
                RepeatedInRuns = repeating >= _options.RunSenders,
            };
        }
    }

    /// <summary>The first block within <see cref="BodyFingerprint.SameCampaignDistance"/> of <paramref name="fingerprint"/>, or default; called under the lock.</summary>
    private (ulong Fingerprint, string? Reason, bool Confirmed) BlockNear(ulong fingerprint)
    {
        foreach ((ulong Fingerprint, string Reason, bool Confirmed) b in _blocked)
        {
            if (BodyFingerprint.Distance(b.Fingerprint, fingerprint) <= BodyFingerprint.SameCampaignDistance)
            {
                return b;
            }
        }

        return default;
    }

    /// <summary>Blocks a fingerprint (hex, as shown in evidence) for every account; used when ops confirm a campaign as abuse.</summary>
    /// <exception cref="FormatException">The fingerprint is not 16 hex digits.</exception>
    public void Block(string fingerprintHex, string reason)
    {
        ulong f = ulong.Parse(fingerprintHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _blocked.Add((f, reason, true));
            foreach (Cluster c in _clusters.Where(c => BodyFingerprint.Distance(c.Fingerprint, f) <= BodyFingerprint.SameCampaignDistance))
            {
                c.BlockedReason = reason;
                c.BlockConfirmed = true;
            }
        }
    }

    /// <summary>Lifts a block set by ops or a suspension (e.g. after ops reinstated the account on review).</summary>
    public void Unblock(string fingerprintHex)
    {
        ulong f = ulong.Parse(fingerprintHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _blocked.RemoveAll(b => BodyFingerprint.Distance(b.Fingerprint, f) <= BodyFingerprint.SameCampaignDistance);
            foreach (Cluster c in _clusters.Where(c => BodyFingerprint.Distance(c.Fingerprint, f) <= BodyFingerprint.SameCampaignDistance))
            {
                c.BlockedReason = null;
                c.BlockConfirmed = false;
            }
        }
    }

    /// <summary>
    /// Lifts every block an account's suspension or throttle set (after ops found it a false alarm) and forgets that it
    /// was suspended, so its texts stop weighing on other senders.
    /// </summary>
    /// <returns>The fingerprints unblocked, hex.</returns>
    public IReadOnlyList<string> LiftBlocksCausedBy(long accountId)
    {
        string suspended = $"sent by suspended account {accountId}", throttled = $"sent by throttled account {accountId}";
        var lifted = new List<string>();
        lock (_lock)
        {
            foreach (Cluster c in _clusters)
            {
                if (c.SuspendedAccount == accountId)
                {
                    c.SuspendedAccount = null;
                }

                if (!c.BlockConfirmed && (c.BlockedReason == suspended || c.BlockedReason == throttled))
                {
                    c.BlockedReason = null;
                    lifted.Add(Hex(c.Fingerprint));
                }
            }

            _blocked.RemoveAll(b => !b.Confirmed && (b.Reason == suspended || b.Reason == throttled));
        }

        return lifted;
    }

    /// <summary>
    /// Called when an account is suspended: every fingerprint it sent within the window is marked as shared with a
    /// suspended account, and blocked when it tells a campaign: sent mostly by brand-new accounts (sign-ups put to use at
    /// once, <see cref="CampaignTrackerOptions.NewAccountAge"/>; a young shop on a shared platform template is not) when it is long
    /// enough to carry information or has a bad URL or phishing phrasing, or a text long enough to
    /// carry information (<see cref="CampaignTrackerOptions.RichWords"/>) with a bad URL or phishing phrasing or repeated in runs by
    /// several accounts; and not a
    /// text that established accounts of other tenants send too (a common notice or boilerplate),
    /// nor one the tenant-template guard protects. An automatic block weighs on every sender and never suspends an
    /// established account alone; only a block ops confirm is decisive.
    /// </summary>
    /// <returns>The fingerprints blocked, hex.</returns>
    public IReadOnlyList<string> AccountSuspended(long accountId, DateTimeOffset now) => BlockTelling(accountId, now, suspended: true);

    /// <summary>
    /// Called when the policy throttled (or worse) an account on campaign evidence: the clusters it sent that tell a
    /// campaign are blocked as on a suspension, so other accounts sending them (a campus's reserve accounts) are stopped
    /// on their first message; the account itself is not marked suspended.
    /// </summary>
    /// <returns>The fingerprints blocked, hex.</returns>
    public IReadOnlyList<string> AccountStopped(long accountId, DateTimeOffset now) => BlockTelling(accountId, now, suspended: false);

    private List<string> BlockTelling(long accountId, DateTimeOffset now, bool suspended)
    {
        long since = now.UtcTicks - _options.Window.Ticks;
        var blocked = new List<string>();
        lock (_lock)
        {
            if (!_byAccount.TryGetValue(accountId, out List<Cluster>? sent))
            {
                return blocked;
            }

            // In the order the clusters were made, as a scan of all clusters would meet them.
            foreach (Cluster c in sent.OrderBy(c => c.Sequence))
            {
                if (!c.Accounts.TryGetValue(accountId, out Sender entry) || entry.Ticks < since)
                {
                    continue;
                }

                bool inRuns = c.Accounts.Values.Count(a => a.Ticks >= since && a.Run >= _options.RunLength) >= _options.RunSenders;
                bool guarded = !c.BadUrls && !inRuns && c.Accounts.Values.All(a => a.Established)
                    && c.Accounts.Values.Select(a => a.Tenant).Distinct(StringComparer.OrdinalIgnoreCase).Count() == 1;
                int senders = c.Accounts.Count;
                int young = c.Accounts.Values.Count(a => a.BrandNew);
                bool commonElsewhere = c.Accounts.Where(a => a.Key != accountId && a.Value.Established).Select(a => a.Value.Tenant).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 2;
                bool mostlyNew = young * 2 > senders;
                // A text from mostly brand-new accounts tells a campaign once it carries something: enough words, a bad URL
                // or phishing phrasing. A short clean text ("your order left the warehouse", "thanks, see you tomorrow")
                // is what any new customer writes, so a suspended sign-up's cover mail blocks nobody else's.
                bool tellsCampaign = ((mostlyNew && (c.Rich || c.BadUrls)) || (c.Rich && (c.BadUrls || inRuns))) && !commonElsewhere;
                if (suspended && tellsCampaign)
                {
                    // Only a text that tells a campaign links its other senders to the suspended account: a hijacked
                    // mailbox's ordinary mail ("thanks, see you tomorrow") says nothing about who else writes it.
                    c.SuspendedAccount ??= accountId;
                }

                if (!guarded && tellsCampaign && c.BlockedReason is null)
                {
                    c.BlockedReason = $"sent by {(suspended ? "suspended" : "throttled")} account {accountId}";
                    _blocked.Add((c.Fingerprint, c.BlockedReason, false));
                    blocked.Add(Hex(c.Fingerprint));
                }
            }
        }

        return blocked;
    }

    /// <summary>
    /// The first-made live cluster within the campaign distance of <paramref name="fingerprint"/>, or null; clusters
    /// last seen before <paramref name="oldest"/> are expired even while they wait for the next sweep.
    /// </summary>
    private Cluster? Nearest(ulong fingerprint, long oldest)
    {
        Cluster? best = null;
        for (int block = 0; block < FingerprintIndex<Cluster>.BlockCount; block++)
        {
            if (_index.Bucket(fingerprint, block) is not { } bucket)
            {
                continue;
            }

            foreach (Cluster candidate in bucket)
            {
                if (candidate.LastTicks >= oldest && (best is null || candidate.Sequence < best.Sequence)
                    && BodyFingerprint.Distance(candidate.Fingerprint, fingerprint) <= BodyFingerprint.SameCampaignDistance)
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    /// <summary>Drops expired clusters at most once a minute of the clock (a sweep is O(clusters)); <see cref="Nearest"/> skips them meanwhile.</summary>
    private void Expire(long now)
    {
        if (now >= _nextExpiry || now < _nextExpiry - TimeSpan.TicksPerMinute)
        {
            ExpireNow(now);
        }
    }

    private void ExpireNow(long now)
    {
        _nextExpiry = now + TimeSpan.TicksPerMinute;
        long oldest = now - _options.Retention.Ticks;
        _clusters.RemoveAll(c =>
        {
            if (c.LastTicks >= oldest)
            {
                return false;
            }

            Forget(c);
            return true;
        });
        if (_urlSets.Count > _options.MaxClusters)
        {
            foreach (ulong k in _urlSets.Where(kv => kv.Value.Values.All(v => v.Item1 < oldest)).Select(kv => kv.Key).ToList())
            {
                _urlSets.Remove(k);
            }
        }
    }

    /// <summary>Takes a cluster being removed out of the fingerprint index and the per-account lists.</summary>
    private void Forget(Cluster c)
    {
        _index.Remove(c.Fingerprint, c);
        foreach (long account in c.Accounts.Keys)
        {
            if (_byAccount.TryGetValue(account, out List<Cluster>? sent) && sent.Remove(c) && sent.Count == 0)
            {
                _byAccount.Remove(account);
            }
        }
    }

    /// <summary>
    /// The link domains that say something about who sent them: not popular sites, and not domains that established
    /// accounts of two or more other tenants link to as well. Called under the lock; remembers who links where.
    /// </summary>
    private List<string> UncommonDomains(IReadOnlyList<string> domains, string tenant, bool established)
    {
        List<string> uncommon = [];
        foreach (string d in domains)
        {
            if (!_domainTenants.TryGetValue(d, out HashSet<string>? tenants))
            {
                if (_domainTenants.Count >= _options.MaxClusters)
                {
                    _domainTenants.Clear();
                }

                tenants = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                _domainTenants[d] = tenants;
            }

            int others = tenants.Count - (tenants.Contains(tenant) ? 1 : 0);
            if (established && tenants.Count < 8)
            {
                tenants.Add(tenant);
            }

            if (!PopularDomains.Contains(d) && others < 2)
            {
                uncommon.Add(d);
            }
        }

        return uncommon;
    }

    internal static string Hex(ulong f) => f.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>One account's use of a cluster: its last message, and its current run (messages within a window of the run's first).</summary>
    private readonly record struct Sender(long Ticks, string Tenant, bool Established, long RunStart, int Run, bool BrandNew);

    private sealed class Cluster(ulong fingerprint, long sequence)
    {
        public ulong Fingerprint { get; } = fingerprint;

        /// <summary>Order of creation: of several clusters within the distance, the oldest one takes the message.</summary>
        public long Sequence { get; } = sequence;

        public long LastTicks { get; set; }
        public bool BadUrls { get; set; }

        /// <summary>Whether any message of the cluster linked to a domain that is neither popular nor common elsewhere.</summary>
        public bool UncommonLinks { get; set; }
        public bool Rich { get; set; }
        public string? BlockedReason { get; set; }
        public bool BlockConfirmed { get; set; }
        public long? SuspendedAccount { get; set; }
        public Dictionary<long, Sender> Accounts { get; } = [];
    }
}
