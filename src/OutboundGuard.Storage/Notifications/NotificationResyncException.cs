namespace OutboundGuard.Storage.Notifications;

/// <summary>A subscriber could not catch up after a connect; the hub connects again and retries.</summary>
public sealed class NotificationResyncException(IReadOnlyList<string> channels)
    : Exception("resync failed for channel(s) " + string.Join(", ", channels))
{
    /// <summary>The channels whose resync failed.</summary>
    public IReadOnlyList<string> Channels { get; } = channels;
}
