using Microsoft.Extensions.Logging;

namespace OutboundGuard.Delivery;

/// <summary>Delivery's log events. Event ids 4000–4999 are Delivery's.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Delivery queue started as {LeaseOwner}: parallelism {Parallelism}, routes {Routes}")]
    public static partial void QueueStarted(ILogger logger, string leaseOwner, int parallelism, string routes);

    [LoggerMessage(4002, LogLevel.Information, "Delivery queue stopped; {InFlight} deliveries were still running at the stop")]
    public static partial void QueueStopped(ILogger logger, int inFlight);

    [LoggerMessage(4003, LogLevel.Warning, "No HighRiskSmarthost is configured: route 'high-risk' uses the default route {Route}")]
    public static partial void HighRiskFallsBack(ILogger logger, string route);

    [LoggerMessage(4004, LogLevel.Warning, "No Smarthost is configured: messages are delivered into the sink folder {SinkDirectory}")]
    public static partial void DeliveringIntoSink(ILogger logger, string sinkDirectory);

    [LoggerMessage(4005, LogLevel.Error, "The queue loop failed; it retries after the poll interval")]
    public static partial void QueueLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(4010, LogLevel.Information, "Message {MessageId} attempt {Attempt} via {Route}: {State}, {Accepted} accepted, {Deferred} deferred, {Rejected} rejected; {LastReply}")]
    public static partial void MessageAttempted(ILogger logger, Guid messageId, int attempt, string route, string state, int accepted, int deferred, int rejected, string? lastReply);

    [LoggerMessage(4011, LogLevel.Warning, "Message {MessageId} was taken over by another node before its attempt was recorded (lease lost); it may be delivered twice")]
    public static partial void LeaseLost(ILogger logger, Guid messageId);

    [LoggerMessage(4012, LogLevel.Critical, "Spool file {SpoolPath} of message {MessageId} is missing: the content is lost, the sender is told")]
    public static partial void SpoolFileMissing(ILogger logger, Guid messageId, string spoolPath);

    [LoggerMessage(4013, LogLevel.Warning, "Message {MessageId} could not be read from {SpoolPath}; deferred")]
    public static partial void SpoolFileUnreadable(ILogger logger, Guid messageId, string spoolPath, Exception exception);

    [LoggerMessage(4014, LogLevel.Information, "Message {MessageId}: {Count} stray bare CR or LF rewritten to CRLF before relaying")]
    public static partial void LineEndingsRepaired(ILogger logger, Guid messageId, long count);

    [LoggerMessage(4015, LogLevel.Error, "Recording the attempt of message {MessageId} failed; its lease expires and it is retried")]
    public static partial void RecordingFailed(ILogger logger, Guid messageId, Exception exception);

    [LoggerMessage(4019, LogLevel.Warning, "Recording the attempt of message {MessageId} failed; retrying")]
    public static partial void RecordingRetried(ILogger logger, Guid messageId, Exception exception);

    [LoggerMessage(4016, LogLevel.Information, "DSN {BounceId} queued to <{Sender}> for message {MessageId}: {Recipients} recipient(s) failed")]
    public static partial void BounceQueued(ILogger logger, Guid bounceId, string sender, Guid messageId, int recipients);

    [LoggerMessage(4017, LogLevel.Warning, "Message {MessageId} failed for {Recipients} recipient(s) and has the null sender: no DSN (a bounce is never bounced)")]
    public static partial void BounceSuppressed(ILogger logger, Guid messageId, int recipients);

    [LoggerMessage(4018, LogLevel.Error, "Writing the DSN for message {MessageId} failed; the message is deferred and retried")]
    public static partial void BounceWriteFailed(ILogger logger, Guid messageId, Exception exception);

    [LoggerMessage(4020, LogLevel.Warning, "Route {Route} failed: {Failure}")]
    public static partial void RouteFailed(ILogger logger, string route, string failure);

    [LoggerMessage(4021, LogLevel.Debug, "Route {Route}: opened connection to {Host}:{Port}")]
    public static partial void ConnectionOpened(ILogger logger, string route, string host, int port);

    [LoggerMessage(4022, LogLevel.Debug, "Route {Route}: pooled connection is stale, opening a new one")]
    public static partial void ConnectionStale(ILogger logger, string route);

    [LoggerMessage(4030, LogLevel.Warning, "Removing spool file {SpoolPath} failed")]
    public static partial void SpoolRemoveFailed(ILogger logger, string spoolPath, Exception exception);

    [LoggerMessage(4031, LogLevel.Warning, "Downstream feedback failed for message {MessageId}")]
    public static partial void FeedbackFailed(ILogger logger, Guid messageId, Exception exception);

    [LoggerMessage(4032, LogLevel.Information, "Message {MessageId} delivered into the sink: {Path}")]
    public static partial void SinkDelivered(ILogger logger, Guid messageId, string path);

    [LoggerMessage(4033, LogLevel.Warning, "Removed {Count} orphan spool files (content no message row needs, older than an hour)")]
    public static partial void OrphanSpoolFilesRemoved(ILogger logger, int count);

    [LoggerMessage(4034, LogLevel.Information, "Delivery topping up: a message waited {WaitSeconds:0.0} s for its first attempt, so every delivery slot is filled while messages are being received (once a second while that lasts; logged at most once a minute)")]
    public static partial void DeliveryToppingUp(ILogger logger, double waitSeconds);
}
