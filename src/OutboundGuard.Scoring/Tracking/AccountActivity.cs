using System.Net;
using OutboundGuard.Scoring.Accounts;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>The hot state of one account; every member is guarded by the instance's lock.</summary>
internal sealed class AccountActivity
{
    public AccountActivity(long id, string tenant, DateTimeOffset firstSeen, ActivityTrackerOptions options)
    {
        Id = id;
        Tenant = tenant;
        FirstSeen = firstSeen;
        int cap = options.DistinctObservationsPerAccount;
        Domains10 = new DistinctWindow<string>(TimeSpan.FromMinutes(10), cap);
        IpsHour = new DistinctWindow<IPAddress>(TimeSpan.FromHours(1), cap);
        IpsDay = new DistinctWindow<IPAddress>(TimeSpan.FromDays(1), cap);
        NetworksDay = new DistinctWindow<IPAddress>(TimeSpan.FromDays(1), cap);
        Sessions1 = new DistinctWindow<string>(TimeSpan.FromMinutes(1), cap);
        Downstream = new Queue<(long, DownstreamKind)>();
    }

    public long Id { get; }
    public string Tenant { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public SlidingCounter Minute { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
    public SlidingCounter TenMinutes { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5));
    public SlidingCounter Hour { get; } = new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));
    public SlidingCounter Day { get; } = new(TimeSpan.FromDays(1), TimeSpan.FromMinutes(15));
    public DistinctWindow<string> Domains10 { get; }
    public DistinctWindow<IPAddress> IpsHour { get; }
    public DistinctWindow<IPAddress> IpsDay { get; }

    /// <summary>Client networks (<see cref="ClientNetwork"/>) of the last day.</summary>
    public DistinctWindow<IPAddress> NetworksDay { get; }
    public DistinctWindow<string> Sessions1 { get; }
    public HourOfWeekBaseline Baseline { get; } = new();
    public Dictionary<ulong, long> KnownRecipients { get; } = new();
    public Queue<(long Ticks, DownstreamKind Kind)> Downstream { get; }

    /// <summary>The last few recipients the receiving server refused as unknown (last hour, at most <see cref="UnknownSampleSize"/>), for the evidence.</summary>
    public Queue<(long Ticks, string Address)> UnknownRecipients { get; } = new();

    /// <summary>Refused recipients named in the evidence.</summary>
    public const int UnknownSampleSize = 3;
    public long CleanMessages { get; set; }
    public DateTimeOffset? ProbationUntil { get; set; }

    /// <summary>When ops last reinstated the account: links made before it no longer count.</summary>
    public DateTimeOffset? ReinstatedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Client IPs of messages that got a throttle or worse in the last hour: the ones a suspension taints.</summary>
    public Dictionary<IPAddress, long> FlaggedIps { get; } = [];

    /// <summary>Times (ticks) of messages flagged for their content or links, last day, at most 256.</summary>
    public Queue<long> ContentFlags { get; } = new();

    /// <summary>The provider's usual messages per hour for the account (imported), the baseline until one is learned.</summary>
    public double? ImportedUsualPerHour { get; set; }

    /// <summary>Hashes of the Message-IDs of the last day's messages (at most <see cref="MaxMessageIds"/>), to tell a retry from a new message.</summary>
    private readonly Dictionary<ulong, long> _messageIds = [];
    private readonly Queue<(ulong Hash, long Ticks)> _messageIdOrder = new();
    private const int MaxMessageIds = 4096;

    /// <summary>Remembers a message's Message-ID hash; false when it was already seen within a day (a retry).</summary>
    public bool NoteMessageId(ulong hash, DateTimeOffset now)
    {
        long dayAgo = now.UtcTicks - TimeSpan.TicksPerDay;
        while (_messageIdOrder.Count > 0 && (_messageIdOrder.Peek().Ticks <= dayAgo || _messageIdOrder.Count >= MaxMessageIds))
        {
            (ulong old, long ticks) = _messageIdOrder.Dequeue();
            if (_messageIds.TryGetValue(old, out long stored) && stored == ticks)
            {
                _messageIds.Remove(old);
            }
        }

        if (_messageIds.TryGetValue(hash, out long seen) && seen > dayAgo)
        {
            return false;
        }

        _messageIds[hash] = now.UtcTicks;
        _messageIdOrder.Enqueue((hash, now.UtcTicks));
        return true;
    }

    public void Evict(DateTimeOffset now)
    {
        Minute.Evict(now);
        TenMinutes.Evict(now);
        Hour.Evict(now);
        Day.Evict(now);
        Domains10.Evict(now);
        IpsHour.Evict(now);
        IpsDay.Evict(now);
        NetworksDay.Evict(now);
        Sessions1.Evict(now);
        long dayAgo = now.UtcTicks - TimeSpan.TicksPerDay;
        while (ContentFlags.Count > 0 && ContentFlags.Peek() <= dayAgo)
        {
            ContentFlags.Dequeue();
        }

        long oldest = now.UtcTicks - TimeSpan.TicksPerHour;
        while (Downstream.Count > 0 && Downstream.Peek().Ticks <= oldest)
        {
            Downstream.Dequeue();
        }

        while (UnknownRecipients.Count > 0 && UnknownRecipients.Peek().Ticks <= oldest)
        {
            UnknownRecipients.Dequeue();
        }
    }

    public DownstreamCounts DownstreamCounts()
    {
        int unknown = 0, blocked = 0;
        foreach ((_, DownstreamKind kind) in Downstream)
        {
            if (kind == DownstreamKind.UnknownUser)
            {
                unknown++;
            }
            else if (kind == DownstreamKind.Blocked)
            {
                blocked++;
            }
        }

        return new DownstreamCounts(Downstream.Count, unknown, blocked);
    }
}

internal enum DownstreamKind
{
    Other = 0,
    UnknownUser = 1,
    Blocked = 2,
}
