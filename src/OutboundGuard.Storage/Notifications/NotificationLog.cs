using Microsoft.Extensions.Logging;

namespace OutboundGuard.Storage.Notifications;

/// <summary>The notification hub's log events. Event ids 3100–3119.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(3101, LogLevel.Information, "Notification hub listening on {Channels} (reconnect {Reconnects})")]
    public static partial void Listening(ILogger logger, long reconnects, string channels);

    [LoggerMessage(3102, LogLevel.Warning, "Notification hub lost its connection; changes are caught up with after the reconnect (retry in {RetryMilliseconds} ms)")]
    public static partial void ConnectionLost(ILogger logger, Exception exception, double retryMilliseconds);

    [LoggerMessage(3103, LogLevel.Information, "Notification hub resynced {Subscribers} subscriber(s)")]
    public static partial void Resynced(ILogger logger, int subscribers);

    [LoggerMessage(3104, LogLevel.Warning, "Resync of a subscriber of channel {Channel} failed")]
    public static partial void ResyncFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(3105, LogLevel.Warning, "A subscriber of channel {Channel} failed on a notification")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(3106, LogLevel.Warning, "Notification on channel {Channel} with a payload of {Length} characters that its subscriber cannot read; dropped")]
    public static partial void PayloadRefused(ILogger logger, string channel, int length);
}
