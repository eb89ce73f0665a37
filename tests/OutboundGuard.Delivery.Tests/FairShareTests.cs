using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

/// <summary>
/// The queue's fair share on real PostgreSQL: one account's backlog (a newsletter queued a moment earlier) does not
/// hold another account's first attempt, the rest of the claim keeps the order of due time, and the share walks the
/// accounts in turn.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FairShareTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(5);

    [Fact]
    public async Task A_newsletter_backlog_does_not_hold_another_accounts_message_and_the_backlog_still_moves_in_order()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var newsletter = await harness.CreateAccountAsync("news@shop.test");
        var invoice = await harness.CreateAccountAsync("billing@firm.test");
        var backlog = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            backlog.Add(await harness.SpoolAsync("news@shop.test", [$"s{i}@example.org"], TestMessages.Simple("news@shop.test", $"s{i}@example.org", "news"), accountId: newsletter));
        }

        var single = await harness.SpoolAsync("billing@firm.test", ["client@example.org"], TestMessages.Simple("billing@firm.test", "client@example.org", "invoice"), accountId: invoice);

        // In order of due time alone, the invoice waits behind all 40.
        var inOrder = await harness.Repository.ClaimDueAsync("node-a", 4, Lease, Lifetime, CancellationToken.None);
        Assert.Equal(backlog.Take(4), inOrder.Select(m => m.Id));
        Assert.All(inOrder, m => Assert.False(m.FairShare));

        // With a fair share of 2: the oldest waiting message of each account, then the backlog's next in order.
        var fair = await harness.Repository.ClaimDueAsync("node-a", 4, Lease, Lifetime, CancellationToken.None, fair: 2);
        Assert.Contains(fair, m => m.Id == single && m.FairShare && m.AccountId == invoice);
        Assert.Equal(backlog.Skip(4).Take(3).Order(), fair.Where(m => m.Id != single).Select(m => m.Id).Order());
        Assert.Single(fair, m => m.FairShare && m.AccountId == newsletter);
        Assert.All(fair, m => Assert.Equal(1, m.Attempts));
    }

    [Fact]
    public async Task The_share_starts_after_the_account_the_previous_one_reached()
    {
        await using var harness = await DeliveryHarness.CreateAsync(postgres);
        var accounts = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var address = $"user{i}@tenant{i}.test";
            accounts.Add(await harness.CreateAccountAsync(address));
            await harness.SpoolAsync(address, ["r@example.org"], TestMessages.Simple(address, "r@example.org", "one"), accountId: accounts[^1]);
            await harness.SpoolAsync(address, ["r@example.org"], TestMessages.Simple(address, "r@example.org", "two"), accountId: accounts[^1]);
        }

        var share = new FairShare(enabled: true);
        var taken = new List<long>();
        for (var claim = 0; claim < 2; claim++)
        {
            var fair = share.Next(4);
            Assert.Equal(2, fair);
            var claimed = await harness.Repository.ClaimDueAsync("node-a", fair, Lease, Lifetime, CancellationToken.None, fair, share.After);
            share.Note(claimed);
            taken.AddRange(claimed.Where(m => m.FairShare).Select(m => m.AccountId!.Value));
        }

        // Two claims of two fair picks each went to four different accounts, in account order.
        Assert.Equal(accounts.Order(), taken.Order());
        Assert.Equal(4, taken.Distinct().Count());

        // The next share found no account after the last one reached: it takes what it can and starts over.
        var last = await harness.Repository.ClaimDueAsync("node-a", share.Next(4), Lease, Lifetime, CancellationToken.None, 2, share.After);
        Assert.DoesNotContain(last, m => m.FairShare);
        share.Note(last);
        Assert.Equal(0, share.After);
    }

    [Fact]
    public void A_claim_of_one_takes_a_fair_pick_every_other_time_and_none_when_the_share_is_off()
    {
        var share = new FairShare(enabled: true);
        Assert.Equal([1, 0, 1, 0], Enumerable.Range(0, 4).Select(_ => share.Next(1)));
        Assert.Equal([3, 2], new[] { share.Next(5), share.Next(5) });
        var off = new FairShare(enabled: false);
        Assert.Equal([0, 0], new[] { off.Next(4), off.Next(1) });
    }
}
