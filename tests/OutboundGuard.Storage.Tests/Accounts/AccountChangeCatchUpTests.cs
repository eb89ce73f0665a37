using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Accounts;

[Collection(PostgresCollection.Name)]
public sealed class AccountChangeCatchUpTests(PostgresFixture postgres)
{
    private static string UniqueAddress(string tenant) => $"user{Guid.NewGuid():N}"[..14] + "@" + tenant;

    [Fact]
    public async Task The_first_call_returns_a_change_made_after_the_subscriber_started_and_later_calls_the_changes_since()
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var catchUp = new AccountChangeCatchUp(accounts);
        var early = await accounts.AddAsync(UniqueAddress("catchup.example"), "catchup.example", "pw", "test");
        Assert.True(await accounts.SetStateAsync(early.Id, AccountState.Suspended, "before the first LISTEN", "test"));

        var first = await catchUp.NextAsync(CancellationToken.None);

        Assert.Contains(early.Id, first);
        var late = await accounts.AddAsync(UniqueAddress("catchup.example"), "catchup.example", "pw", "test");
        Assert.True(await accounts.SetStateAsync(late.Id, AccountState.Throttled, "after the first resync", "test"));
        var second = await catchUp.NextAsync(CancellationToken.None);
        Assert.Contains(late.Id, second);
    }

    [Fact]
    public async Task Changes_since_a_time_leave_out_what_changed_before_it()
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var before = await accounts.AddAsync(UniqueAddress("since.example"), "since.example", "pw", "test");
        var (mark, _) = await accounts.ChangedWithinAsync(TimeSpan.Zero);
        var after = await accounts.AddAsync(UniqueAddress("since.example"), "since.example", "pw", "test");
        Assert.True(await accounts.SetStateAsync(after.Id, AccountState.Suspended, "after the mark", "test"));

        var (now, ids) = await accounts.ChangedSinceAsync(mark);

        Assert.True(now >= mark);
        Assert.Contains(after.Id, ids);
        Assert.DoesNotContain(before.Id, ids);
    }
}
