using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OutboundGuard.Storage.Notifications;

/// <summary>
/// The node's one PostgreSQL connection that listens for notifications, shared by every subscriber. The one place
/// that issues LISTEN. A subscriber names a channel, a handler for its typed payload and a resync: after every
/// connect and reconnect, once LISTEN is in force, each resync runs so that what was announced while the node was
/// not listening is read from the tables. A lost connection is retried with backoff
/// (<see cref="NotificationHubOptions"/>); the subscribers' lost callbacks run at once.
/// </summary>
public sealed class NotificationHub(NpgsqlDataSource dataSource, IOptions<NotificationHubOptions> options, TimeProvider time, ILogger<NotificationHub> logger) : BackgroundService
{
    /// <summary>How long one wait for a notification lasts before new subscriptions are looked at. 1 s.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<NotificationSubscription> _subscriptions = [];
    private readonly List<NotificationSubscription> _added = [];
    private volatile bool _connected;
    private long _connections;
    private int _backendProcessId;

    /// <summary>True while the connection listens on every subscribed channel.</summary>
    public bool IsConnected => _connected;

    /// <summary>Connections made after the first one (each followed by the resyncs).</summary>
    public long Reconnects => Math.Max(0, Interlocked.Read(ref _connections) - 1);

    /// <summary>The PostgreSQL backend process of the listening connection, 0 when not connected (for ops: pg_stat_activity).</summary>
    public int BackendProcessId => _backendProcessId;

    /// <summary>
    /// Calls <paramref name="onNotification"/> with each payload announced on <paramref name="channel"/> by any node,
    /// on the hub's own thread (keep it short; hand longer work to a queue). <paramref name="resync"/> runs after
    /// every connect, including the first; <paramref name="lost"/> when the connection is lost. Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe<T>(NotificationChannel<T> channel, Action<T> onNotification, Func<CancellationToken, Task>? resync = null, Action? lost = null)
    {
        var subscription = new NotificationSubscription(channel.Name, payload =>
        {
            if (!channel.Parse(payload, out var value))
            {
                return false;
            }

            onNotification(value);
            return true;
        }, resync, lost);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
            _added.Add(subscription);
        }

        return new Unsubscriber(this, subscription);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = options.Value.InitialRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var caughtUp = false;
            try
            {
                await ListenAsync(() => caughtUp = true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException or NotificationResyncException)
            {
                if (caughtUp)
                {
                    retry = options.Value.InitialRetryDelay;
                }

                NotificationLog.ConnectionLost(logger, e, retry.TotalMilliseconds);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task ListenAsync(Action caughtUp, CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
        List<NotificationSubscription> current;
        lock (_lock)
        {
            current = [.. _subscriptions];
            _added.Clear();
        }

        try
        {
            await ListenOnAsync(connection, current, stoppingToken);
            _backendProcessId = connection.ProcessID;
            _connected = true;
            var connections = Interlocked.Increment(ref _connections);
            NotificationLog.Listening(logger, connections - 1, string.Join(", ", current.Select(s => s.Channel).Distinct(StringComparer.Ordinal)));
            await ResyncAsync(current, stoppingToken);

            // Only a connection whose resyncs succeeded resets the backoff: a resync failing every time waits longer each time.
            caughtUp();
            var lastTraffic = time.GetTimestamp();
            while (!stoppingToken.IsCancellationRequested)
            {
                List<NotificationSubscription> added;
                lock (_lock)
                {
                    added = [.. _added];
                    _added.Clear();
                }

                if (added.Count > 0)
                {
                    await ListenOnAsync(connection, added, stoppingToken);
                    await ResyncAsync(added, stoppingToken);
                }

                if (await connection.WaitAsync(WaitSlice, stoppingToken))
                {
                    lastTraffic = time.GetTimestamp();
                }
                else if (time.GetElapsedTime(lastTraffic) >= options.Value.PingInterval)
                {
                    // No notification for a while: prove the connection is alive, so a dead one is noticed and replaced.
                    await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
                    await ping.ExecuteScalarAsync(stoppingToken);
                    lastTraffic = time.GetTimestamp();
                }
            }
        }
        finally
        {
            var wasConnected = _connected;
            _connected = false;
            _backendProcessId = 0;
            if (wasConnected)
            {
                Lost();
            }
        }
    }

    /// <summary>The one LISTEN in the code: every channel of <paramref name="subscriptions"/>, in one round trip.</summary>
    private static async Task ListenOnAsync(NpgsqlConnection connection, IEnumerable<NotificationSubscription> subscriptions, CancellationToken cancellationToken)
    {
        // Channel names are checked identifiers (NotificationChannels.IsValidName), so they are written as they are.
        var sql = string.Concat(subscriptions.Select(s => s.Channel).Distinct(StringComparer.Ordinal).Select(c => $"LISTEN {c};"));
        if (sql.Length == 0)
        {
            return;
        }

        await using var listen = new NpgsqlCommand(sql, connection);
        await listen.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ResyncAsync(IEnumerable<NotificationSubscription> subscriptions, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var subscription in subscriptions.Where(s => s.Resync is not null))
        {
            try
            {
                await subscription.Resync!(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                NotificationLog.ResyncFailed(logger, e, subscription.Channel);
                failed.Add(subscription.Channel);
            }
        }

        if (failed.Count > 0)
        {
            // What was missed is not caught up with: connect again, and resync again.
            throw new NotificationResyncException(failed);
        }

        NotificationLog.Resynced(logger, subscriptions.Count(s => s.Resync is not null));
    }

    private void Dispatch(string channel, string payload)
    {
        NotificationSubscription[] targets;
        lock (_lock)
        {
            targets = [.. _subscriptions.Where(s => s.Channel == channel)];
        }

        foreach (var subscription in targets)
        {
            try
            {
                if (!subscription.Deliver(payload))
                {
                    NotificationLog.PayloadRefused(logger, channel, payload.Length);
                }
            }
            catch (Exception e)
            {
                NotificationLog.HandlerFailed(logger, e, channel);
            }
        }
    }

    private void Lost()
    {
        NotificationSubscription[] all;
        lock (_lock)
        {
            all = [.. _subscriptions];
        }

        foreach (var subscription in all)
        {
            try
            {
                subscription.Lost?.Invoke();
            }
            catch (Exception e)
            {
                NotificationLog.HandlerFailed(logger, e, subscription.Channel);
            }
        }
    }

    private void Remove(NotificationSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
            _added.Remove(subscription);
        }
    }

    private sealed class Unsubscriber(NotificationHub hub, NotificationSubscription subscription) : IDisposable
    {
        public void Dispose() => hub.Remove(subscription);
    }
}
