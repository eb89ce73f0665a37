using Dapper;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class GroupedRecordingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Attempts_recorded_together_each_keep_their_own_lease_check()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var content = TestMessages.Simple("alice@tenant.test", "bob@example.org", "grouped");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], content));
        }

        var claimed = await harness.Repository.ClaimDueAsync("node-a", 10, TimeSpan.FromMinutes(5), TimeSpan.FromDays(5), CancellationToken.None);
        Assert.Equal(3, claimed.Count);
        await using (var connection = await harness.DataSource.OpenConnectionAsync())
        {
            // Another node took the third message over (node-a stalled past its lease).
            await connection.ExecuteAsync("UPDATE messages SET lease_owner = 'node-b' WHERE id = @Id", new { Id = ids[2] });
        }

        var results = await Task.WhenAll(ids.Select(id => harness.Repository.CompleteGroupedAsync(new AttemptCompletion
        {
            MessageId = id,
            LeaseOwner = "node-a",
            Route = "default",
            State = MessageState.Delivered,
            PendingRecipients = [],
            Attempts = [new DeliveryAttempt("bob@example.org", DeliveryAttempt.Accepted, 250, "2.0.0 Ok")],
        })));

        Assert.Equal([true, true, false], results);
        Assert.Equal("delivered", (await harness.RowAsync(ids[0])).State);
        Assert.Equal("delivered", (await harness.RowAsync(ids[1])).State);
        Assert.Equal("delivering", (await harness.RowAsync(ids[2])).State);
        var recorded = await harness.AttemptsAsync(ids[1]);
        Assert.Equal((DeliveryAttempt.Accepted, 250, "2.0.0 Ok", "bob@example.org"), (recorded.Single().Outcome, recorded.Single().Code, recorded.Single().Text, recorded.Single().Recipient));
        Assert.Empty(await harness.AttemptsAsync(ids[2]));
    }

    [Fact]
    public async Task A_deferral_recorded_in_a_group_sets_the_retry_time_and_keeps_the_recipient_pending()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org", "carol@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "deferred"));
        await harness.Repository.ClaimDueAsync("node-a", 10, TimeSpan.FromMinutes(5), TimeSpan.FromDays(5), CancellationToken.None);

        Assert.True(await harness.Repository.CompleteGroupedAsync(new AttemptCompletion
        {
            MessageId = id,
            LeaseOwner = "node-a",
            Route = "default",
            State = MessageState.Deferred,
            PendingRecipients = ["carol@example.org"],
            RetryAfter = TimeSpan.FromMinutes(10),
            LastReply = "451 try later",
            Attempts =
            [
                new DeliveryAttempt("bob@example.org", DeliveryAttempt.Accepted, 250, "Ok"),
                new DeliveryAttempt("carol@example.org", DeliveryAttempt.Deferred, 451, "try later"),
            ],
        }));

        var row = await harness.RowAsync(id);
        Assert.Equal(("deferred", "451 try later"), (row.State, row.LastReply));
        Assert.Equal(["carol@example.org"], row.Pending);
        await using var connection = await harness.DataSource.OpenConnectionAsync();
        var wait = await connection.ExecuteScalarAsync<double>("SELECT extract(epoch FROM next_attempt_at - now()) FROM messages WHERE id = @Id", new { Id = id });
        Assert.InRange(wait, 500, 600);
        Assert.Equal([DeliveryAttempt.Accepted, DeliveryAttempt.Deferred], (await harness.AttemptsAsync(id)).Select(a => a.Outcome));
    }

    [Fact]
    public async Task A_final_attempt_that_removes_its_spool_file_is_marked_removed_in_its_own_commit_and_a_deferred_one_never_is()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var content = TestMessages.Simple("alice@tenant.test", "bob@example.org", "marks");
        var delivered = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], content);
        var deferred = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], content);
        await harness.Repository.ClaimDueAsync("node-a", 10, TimeSpan.FromMinutes(5), TimeSpan.FromDays(5), CancellationToken.None);

        Assert.True(await harness.Repository.CompleteGroupedAsync(new AttemptCompletion
        {
            MessageId = delivered, LeaseOwner = "node-a", Route = "default", State = MessageState.Delivered, PendingRecipients = [], RemovesSpoolFile = true,
        }));
        Assert.True(await harness.Repository.CompleteGroupedAsync(new AttemptCompletion
        {
            MessageId = deferred, LeaseOwner = "node-a", Route = "default", State = MessageState.Deferred, PendingRecipients = ["bob@example.org"],
            RetryAfter = TimeSpan.FromMinutes(5),
        }));

        Assert.Equal(("delivered", true), ((await harness.RowAsync(delivered)).State, (await harness.RowAsync(delivered)).SpoolRemoved));
        Assert.Equal(("deferred", false), ((await harness.RowAsync(deferred)).State, (await harness.RowAsync(deferred)).SpoolRemoved));

        // A lost lease writes nothing, the mark included.
        var stale = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], content);
        await harness.Repository.ClaimDueAsync("node-a", 10, TimeSpan.FromMinutes(5), TimeSpan.FromDays(5), CancellationToken.None);
        Assert.False(await harness.Repository.CompleteGroupedAsync(new AttemptCompletion
        {
            MessageId = stale, LeaseOwner = "node-b", Route = "default", State = MessageState.Delivered, PendingRecipients = [], RemovesSpoolFile = true,
        }));
        Assert.False((await harness.RowAsync(stale)).SpoolRemoved);
    }
}
