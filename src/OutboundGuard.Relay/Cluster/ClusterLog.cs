using Microsoft.Extensions.Logging;

namespace OutboundGuard.Cluster;

/// <summary>Log events of account-state sharing and shared counters. Event ids 1300–1399.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1310, LogLevel.Information, "Shared counters of node {Node}: restored {Attempts} attempt(s) of {Accounts} account(s) from the last {WindowHours} h")]
    public static partial void CountersRestored(ILogger logger, string node, int attempts, int accounts, double windowHours);

    [LoggerMessage(1311, LogLevel.Warning, "Shared counters could not be written or read; scoring goes on with this node's counts")]
    public static partial void CountersFailed(ILogger logger, Exception exception);

    [LoggerMessage(1320, LogLevel.Information, "Scoring told of account {AccountId}'s state change: {Change}")]
    public static partial void ScoringToldOfStateChange(ILogger logger, long accountId, string change);

    [LoggerMessage(1321, LogLevel.Warning, "Could not read account {AccountId}'s new state for scoring; its links and probation stay as they were")]
    public static partial void ScoringStateLookupFailed(ILogger logger, Exception exception, long accountId);

    [LoggerMessage(1330, LogLevel.Information, "Account {AccountId} is suspended: {Sessions} open SMTP session(s) on this node answered 421 and closed")]
    public static partial void SuspendedSessionsEnded(ILogger logger, long accountId, int sessions);

    [LoggerMessage(1331, LogLevel.Warning, "Could not read account {AccountId}'s new state; its open SMTP sessions on this node stay open until MAIL FROM refuses them")]
    public static partial void SuspendedSessionsLookupFailed(ILogger logger, Exception exception, long accountId);

    [LoggerMessage(1340, LogLevel.Information, "Scoring lists loaded: {BlockedFingerprints} blocked campaign fingerprint(s), {Blocked} blocked and {Allowed} allowed link domain(s)")]
    public static partial void ListsLoaded(ILogger logger, int blockedFingerprints, int blocked, int allowed);

    [LoggerMessage(1341, LogLevel.Warning, "Scoring lists could not be reloaded; the lists in force stay until the next change or reconnect")]
    public static partial void ListsLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1342, LogLevel.Information, "Campaign fingerprint {Fingerprint} unblocked on this node")]
    public static partial void CampaignBlockLifted(ILogger logger, string fingerprint);

    [LoggerMessage(1343, LogLevel.Information, "False alarm on account {AccountId}: {Lifted} campaign block(s) its suspension caused lifted on this node")]
    public static partial void FalseAlarmBlocksLifted(ILogger logger, long accountId, int lifted);

    [LoggerMessage(1344, LogLevel.Warning, "Could not reload the complaint counts; retrying at the next announcement or interval")]
    public static partial void ComplaintCountsLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1350, LogLevel.Information, "Relay node {Node} announced itself; {Running} other node(s) running")]
    public static partial void PeerSeen(ILogger logger, string node, int running);

    [LoggerMessage(1351, LogLevel.Warning, "Could not announce this node to the others; they keep counting it as running until it expires")]
    public static partial void AnnounceFailed(ILogger logger, Exception exception);
}
