using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Accounts;

/// <summary>
/// The account's recent activity at the moment a message is scored, the message itself included.
/// Built from the in-memory sliding windows (recovered from PostgreSQL after a restart), plus what the
/// pipeline learned about the message before the detectors ran (its URLs, blocklist answers, campaign
/// matches), so that every detector stays pure.
/// </summary>
public sealed record AccountHistory
{
    /// <summary>The time the message is scored at.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>True when this is the same message again (its Message-ID was seen within a day): an MTA retrying after a 451. Its retries are not counted again in the windows.</summary>
    public bool IsRetry { get; init; }

    /// <summary>The message's client network when the account used other networks today but not this one (a new place), else null.</summary>
    public System.Net.IPAddress? NewClientNetwork { get; init; }

    public int MessagesLastMinute { get; init; }
    public int MessagesLast10Minutes { get; init; }
    public int MessagesLastHour { get; init; }
    public int MessagesLastDay { get; init; }

    public int RecipientsLastMinute { get; init; }
    public int RecipientsLast10Minutes { get; init; }
    public int RecipientsLastHour { get; init; }
    public int RecipientsLastDay { get; init; }

    /// <summary>Distinct recipient domains in the last 10 minutes.</summary>
    public int DistinctRecipientDomainsLast10Minutes { get; init; }

    /// <summary>Recipients this account had never written to before, in the last 10 minutes.</summary>
    public int FirstTimeRecipientsLast10Minutes { get; init; }

    /// <summary>Recipients of this message the account had never written to before.</summary>
    public int FirstTimeRecipientsInMessage { get; init; }

    /// <summary>Distinct client IP addresses the account sent from in the last hour.</summary>
    public int DistinctClientIpsLastHour { get; init; }

    /// <summary>Distinct SMTP sessions of the account active in the last minute (parallel use).</summary>
    public int ParallelSessions { get; init; }

    /// <summary>
    /// The account's learned hourly message rate for this hour of the week (messages per hour), or
    /// null while fewer than 24 hours of activity have been observed.
    /// </summary>
    public double? BaselineMessagesPerHour { get; init; }

    /// <summary>The busiest hour the account ever had in the tracked history (messages).</summary>
    public int PeakMessagesPerHour { get; init; }

    /// <summary>Messages the account sent that were relayed (not deferred or held), since tracking began.</summary>
    public long CleanMessages { get; init; }

    /// <summary>Earlier messages of the account in the last 24 h that were throttled or worse for their content or links (not counting this one).</summary>
    public int ContentFlaggedLastDay { get; init; }

    /// <summary>Downstream (smarthost) replies for this account in the last hour.</summary>
    public DownstreamCounts Downstream { get; init; } = DownstreamCounts.None;

    /// <summary>The last few recipients (at most 3, last hour) the receiving server refused as unknown, oldest first.</summary>
    public IReadOnlyList<string> UnknownRecipientSample { get; init; } = [];

    /// <summary>The account's raised login scrutiny in words (an AUTH after a failure burst or from a new network), or null.</summary>
    public string? LoginScrutiny { get; init; }

    /// <summary>The URLs found in the message, normalised.</summary>
    public IReadOnlyList<ExtractedUrl> Urls { get; init; } = [];

    /// <summary>Registrable domains (and IP literals) of the message's URLs that a DNS blocklist lists, with the zone that listed them.</summary>
    public IReadOnlyDictionary<string, string> ListedDomains { get; init; } = new Dictionary<string, string>();

    /// <summary>Registrable domains of the message's URLs that nobody in this tenant linked to before.</summary>
    public IReadOnlyList<string> DomainsNewToTenant { get; init; } = [];

    /// <summary>What the campaign tracker knows of this message's fingerprint; null when the message had no body.</summary>
    public CampaignObservation? Campaign { get; init; }

    /// <summary>Suspended accounts this account is linked to, each with the reason, e.g. "shares client IP 203.0.113.7".</summary>
    public IReadOnlyList<string> LinksToSuspendedAccounts { get; init; } = [];

    /// <summary>End of the probation that follows a reinstatement, when the account is on probation.</summary>
    public DateTimeOffset? ProbationUntil { get; init; }
}
