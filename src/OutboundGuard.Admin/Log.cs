using Microsoft.Extensions.Logging;

namespace OutboundGuard.Admin;

/// <summary>Admin's log events. Event ids 5000–5999 are Admin's.</summary>
internal static partial class Log
{
    [LoggerMessage(5010, LogLevel.Information, "Review of {AccountAddress} by {Actor}: {Decision} ({Reason}); {Released} released, {Deleted} deleted, {Fingerprints} fingerprint(s) marked")]
    public static partial void ReviewDone(ILogger logger, string accountAddress, string actor, string decision, string reason, int released, int deleted, int fingerprints);

    [LoggerMessage(5020, LogLevel.Information, "Alert {Channel} about {AccountAddress} ({ToState}) sent after {Attempts} attempt(s)")]
    public static partial void AlertSent(ILogger logger, string channel, string accountAddress, string toState, int attempts);

    [LoggerMessage(5021, LogLevel.Warning, "Alert {Channel} about {AccountAddress} failed (attempt {Attempt} of {MaxAttempts}): {Error}; next try in {Delay}")]
    public static partial void AlertAttemptFailed(ILogger logger, string channel, string accountAddress, int attempt, int maxAttempts, string error, TimeSpan delay);

    [LoggerMessage(5022, LogLevel.Error, "Alert {Channel} about {AccountAddress} given up after {Attempts} attempt(s): {Error}")]
    public static partial void AlertGivenUp(ILogger logger, string channel, string accountAddress, int attempts, string error);

    [LoggerMessage(5023, LogLevel.Warning, "Alerting on an account state change failed")]
    public static partial void AlertListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(5030, LogLevel.Information, "User {UserName} signed in ({Role})")]
    public static partial void SignedIn(ILogger logger, string userName, string role);

    [LoggerMessage(5031, LogLevel.Warning, "Failed sign-in for {UserName}")]
    public static partial void SignInFailed(ILogger logger, string userName);

    [LoggerMessage(5032, LogLevel.Warning, "Sign-in for {UserName} from {ClientAddress} refused: too many failures, {Wait} to wait")]
    public static partial void SignInDelayed(ILogger logger, string userName, string clientAddress, TimeSpan wait);

    [LoggerMessage(5024, LogLevel.Information, "Alert about {AccountAddress} ({ToState}) folded into the digest: today's budget is spent ({TenantSent} sent for tenant {Tenant}, {TotalSent} in all)")]
    public static partial void AlertFolded(ILogger logger, string accountAddress, string toState, string tenant, long tenantSent, long totalSent);
}
