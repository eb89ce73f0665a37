using OutboundGuard.Accounts;
using OutboundGuard.Relay.Tests.TestBed;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Session;

/// <summary>The account's state at MAIL FROM: refusals, their counts, and the release at the end of a cool-down.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountGateTests(PostgresFixture postgres)
{
    private static readonly TimeSpan CoolDown = TimeSpan.FromMinutes(15);

    /// <summary>A new account throttled by the policy for <see cref="CoolDown"/> from the bed's present, as stored.</summary>
    private static async Task<AccountRecord> ThrottledAccountAsync(RelayBed bed)
    {
        var account = await bed.NewAccountAsync();
        await bed.Actions.ThrottleAsync(account.Id, bed.Time.GetUtcNow() + CoolDown, "12 messages in 10 min", AccountActions.PolicyActor);
        return await bed.ReloadAsync(account);
    }

    [Fact]
    public async Task A_suspended_account_gets_550_naming_it_and_the_refusal_is_counted()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        await bed.Actions.SuspendAsync(account.Id, "61 messages in 1 min, limit 30", AccountActions.PolicyActor);
        var suspended = await bed.ReloadAsync(account);

        var reply = await bed.Gate.CheckAsync(suspended, CancellationToken.None);

        Assert.Equal((550, "5.7.1"), (reply!.Value.Code, reply.Value.Enhanced));
        Assert.Contains(account.Address, reply.Value.Text, StringComparison.Ordinal);
        var counted = Assert.Single(bed.Refusals.Drain());
        Assert.Equal((account.Id, 1, 0), (counted.AccountId, counted.Suspended, counted.Throttled));
        Assert.Equal(new[] { AccountState.Suspended }, bed.Metrics.Refused.ToArray());
        Assert.Equal(0, bed.Gate.RefusedDuringCoolDown(account.Id));
        Assert.Equal(AccountState.Suspended, (await bed.ReloadAsync(account)).StateValue);
    }

    [Fact]
    public async Task A_throttled_account_gets_451_naming_the_end_of_its_cool_down_and_each_refusal_is_counted()
    {
        await using var bed = new RelayBed(postgres);
        var until = bed.Time.GetUtcNow() + CoolDown;
        var account = await ThrottledAccountAsync(bed);

        var first = await bed.Gate.CheckAsync(account, CancellationToken.None);
        bed.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await bed.Gate.CheckAsync(account, CancellationToken.None);

        foreach (var reply in new[] { first, second })
        {
            Assert.Equal((451, "4.7.1"), (reply!.Value.Code, reply.Value.Enhanced));
            Assert.Equal($"Account {account.Address} is throttled until {until.UtcDateTime:HH:mm:ss} UTC: 12 messages in 10 min", reply.Value.Text);
        }

        Assert.True(bed.Gate.IsThrottled(account));
        Assert.Equal(2, bed.Gate.RefusedDuringCoolDown(account.Id));
        Assert.Equal(2, bed.Refusals.Drain().Where(c => c.AccountId == account.Id).Sum(c => c.Throttled));
        Assert.Equal(new[] { AccountState.Throttled, AccountState.Throttled }, bed.Metrics.Refused.ToArray());
        // Refusals never extend the cool-down.
        Assert.Equal(until.ToUnixTimeSeconds(), (await bed.ReloadAsync(account)).ThrottledUntil!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Once_the_cool_down_has_passed_the_account_sends_and_is_reinstated_with_its_refusals_in_the_history()
    {
        await using var bed = new RelayBed(postgres);
        var account = await ThrottledAccountAsync(bed);
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await bed.Gate.CheckAsync(account, CancellationToken.None));
        }

        bed.Time.Advance(CoolDown + TimeSpan.FromSeconds(1));
        var reply = await bed.Gate.CheckAsync(account, CancellationToken.None);

        Assert.Null(reply);
        var released = await bed.ReloadAsync(account);
        Assert.Equal((AccountState.Active, null), (released.StateValue, released.ThrottledUntil));
        var history = await bed.Accounts.HistoryAsync(account.Id);
        Assert.Equal(("throttled", "active", AccountActions.PolicyActor, "throttle cool-down ended; 3 attempt(s) refused during it"),
            (history[0].FromState, history[0].ToState, history[0].Actor, history[0].Reason));
        Assert.Equal(0, bed.Gate.RefusedDuringCoolDown(account.Id));
        // The release itself is no refusal.
        Assert.Equal(3, bed.Metrics.Refused.Count);
    }

    [Fact]
    public async Task A_throttle_that_ended_without_refusals_is_released_with_the_plain_reason()
    {
        await using var bed = new RelayBed(postgres);
        var account = await ThrottledAccountAsync(bed);

        bed.Time.Advance(CoolDown + TimeSpan.FromMinutes(1));

        Assert.Null(await bed.Gate.CheckAsync(account, CancellationToken.None));
        var history = await bed.Accounts.HistoryAsync(account.Id);
        Assert.Equal(("active", "throttle cool-down ended"), (history[0].ToState, history[0].Reason));
    }

    [Fact]
    public async Task An_active_account_passes_with_nothing_recorded()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();

        var reply = await bed.Gate.CheckAsync(account, CancellationToken.None);

        Assert.Null(reply);
        Assert.False(bed.Gate.IsThrottled(account));
        Assert.Empty(bed.Refusals.Drain());
        Assert.Empty(bed.Metrics.Refused);
        Assert.Empty(await bed.Accounts.HistoryAsync(account.Id));
        Assert.Equal(AccountState.Active, (await bed.ReloadAsync(account)).StateValue);
    }
}
