using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Notifications;

[Collection(PostgresCollection.Name)]
public sealed class NotificationHubTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_subscriber_receives_its_channel_s_payloads_typed_and_nothing_of_other_channels()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync("hub_" + Guid.NewGuid().ToString("N")[..12]);
        using var hub = new NotificationHub(dataSource, Options.Create(new NotificationHubOptions()), TimeProvider.System, NullLogger<NotificationHub>.Instance);
        await hub.StartAsync(CancellationToken.None);
        var accounts = new BlockingCollection<long>();
        var lists = new BlockingCollection<ListsChange>();
        var accountsReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listsReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Subscribed after the hub started: LISTEN is issued on the live connection, then the resync runs.
        using var a = hub.Subscribe(NotificationChannels.AccountState, accounts.Add, _ => { accountsReady.TrySetResult(); return Task.CompletedTask; });
        using var l = hub.Subscribe(NotificationChannels.Lists, lists.Add, _ => { listsReady.TrySetResult(); return Task.CompletedTask; });
        await Task.WhenAll(accountsReady.Task, listsReady.Task).WaitAsync(Patience);

        await NotifyAsync(dataSource, NotificationChannels.AccountState.Name, "not an id");
        await NotifyAsync(dataSource, NotificationChannels.AccountState.Name, "42");
        await NotifyAsync(dataSource, NotificationChannels.Lists.Name, "no such command");
        await NotifyAsync(dataSource, NotificationChannels.Lists.Name, "false-alarm:7");

        Assert.True(accounts.TryTake(out var id, Patience));
        Assert.Equal(42L, id);
        Assert.True(lists.TryTake(out var list, Patience));
        Assert.Equal(new ListsChange(ListsChangeKind.FalseAlarm, AccountId: 7), list);
        Assert.True(hub.IsConnected);
        Assert.Equal(0, hub.Reconnects);
        Assert.Empty(accounts);
        Assert.Empty(lists);
        await hub.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_killed_connection_reconnects_and_the_resync_catches_up_with_a_change_announced_while_it_was_down()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync("hub_" + Guid.NewGuid().ToString("N")[..12]);
        await ExecuteAsync(dataSource, "CREATE TABLE hub_items (id int PRIMARY KEY)");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new NotificationHubOptions { InitialRetryDelay = TimeSpan.FromSeconds(1) };
        using var hub = new NotificationHub(dataSource, Options.Create(options), time, NullLogger<NotificationHub>.Instance);
        var notified = new ConcurrentBag<long>();
        var resynced = new ConcurrentBag<long>();
        var resyncs = 0;
        var firstResync = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondResync = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = hub.Subscribe(NotificationChannels.AccountState, notified.Add, async ct =>
        {
            await using var command = dataSource.CreateCommand("SELECT id FROM hub_items");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                resynced.Add(reader.GetInt32(0));
            }

            (Interlocked.Increment(ref resyncs) == 1 ? firstResync : secondResync).TrySetResult();
        }, () => lost.TrySetResult());
        await hub.StartAsync(CancellationToken.None);
        await firstResync.Task.WaitAsync(Patience);
        await NotifyAsync(dataSource, NotificationChannels.AccountState.Name, "1");
        await WaitUntilAsync(() => notified.Contains(1));

        await ExecuteAsync(dataSource, $"SELECT pg_terminate_backend({hub.BackendProcessId})");
        await lost.Task.WaitAsync(Patience);
        Assert.False(hub.IsConnected);

        // Announced while nobody listens: the notification is lost, the row is not.
        await ExecuteAsync(dataSource, "INSERT INTO hub_items VALUES (7); SELECT pg_notify('outboundguard_account_state', '7')");
        while (!secondResync.Task.IsCompleted)
        {
            time.Advance(options.MaxRetryDelay);
            await Task.WhenAny(secondResync.Task, Task.Delay(50));
        }

        Assert.Contains(7L, resynced);
        Assert.DoesNotContain(7L, notified);
        Assert.True(hub.IsConnected);
        Assert.Equal(1, hub.Reconnects);

        // And the new connection listens again.
        await NotifyAsync(dataSource, NotificationChannels.AccountState.Name, "8");
        await WaitUntilAsync(() => notified.Contains(8));
        await hub.StopAsync(CancellationToken.None);
    }

    private static async Task NotifyAsync(NpgsqlDataSource dataSource, string channel, string payload)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
