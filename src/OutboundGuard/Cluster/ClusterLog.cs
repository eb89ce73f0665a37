using Microsoft.Extensions.Logging;

namespace OutboundGuard.Cluster;

/// <summary>Log events of account-state sharing and shared counters. Event ids 1300–1399.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1301, LogLevel.Information, "Listening for account state changes on channel {Channel}")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(1302, LogLevel.Warning, "Account state listener lost its connection; MAIL FROM reads the database until it is back (retry in {RetrySeconds} s)")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, double retrySeconds);

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
}
