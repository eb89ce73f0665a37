namespace OutboundGuard.Storage.Notifications;

/// <summary>One subscriber of <see cref="NotificationHub"/>: its channel, what it does with a payload, and what it does when the connection comes and goes.</summary>
internal sealed class NotificationSubscription(string channel, Func<string, bool> deliver, Func<CancellationToken, Task>? resync, Action? lost)
{
    public string Channel { get; } = channel;

    /// <summary>Parses and hands over a payload; false when the payload did not parse.</summary>
    public Func<string, bool> Deliver { get; } = deliver;

    /// <summary>Catches up with what may have been missed; runs after every (re)connect, once LISTEN is in force.</summary>
    public Func<CancellationToken, Task>? Resync { get; } = resync;

    /// <summary>Runs when the connection is lost (notifications may be missed until the next resync).</summary>
    public Action? Lost { get; } = lost;
}
