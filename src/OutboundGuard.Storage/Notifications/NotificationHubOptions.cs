namespace OutboundGuard.Storage.Notifications;

/// <summary>How the node's one listening connection reconnects and checks it is alive (section <c>OutboundGuard:Notifications</c>).</summary>
public sealed class NotificationHubOptions
{
    public const string Section = "OutboundGuard:Notifications";

    /// <summary>Wait before the first reconnect after the connection is lost; doubled after each failed attempt. Defaults to 250 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between reconnect attempts. Defaults to 5 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After this long without a notification the connection is proved alive with a query, so a dead one is noticed. Defaults to 5 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(5);
}
