using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Admin.Review;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class ReviewTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<IReadOnlyList<string>> StatesAsync(IReadOnlyList<Guid> ids)
    {
        await using var connection = await _host.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("SELECT state FROM messages WHERE id = ANY(@ids)", new { ids = ids.ToArray() })).AsList();
    }

    [Fact]
    public async Task A_false_alarm_reinstates_the_accounts_suspended_only_through_it()
    {
        var (first, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        var (second, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        var (unrelated, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        var through = new Domain.Verdict(Domain.VerdictAction.Suspend, 100,
            [new Domain.Evidence("campaign", 100, $"body fingerprint 0123456789abcdef was blocked when its sender was stopped (sent by suspended account {first.Id})")],
            "blocked fingerprint");
        await _host.Get<Storage.Verdicts.VerdictRepository>().InsertAsync(second.Id, null, "s-linked", through, second.Address, 1, "Order shipped");
        using var op = await _host.ClientAsync("operator");

        var outcome = await (await op.PostAsJsonAsync($"/api/accounts/{first.Address}/review", new { decision = "false_alarm", reason = "order notices of a new shop" })).Content.ReadFromJsonAsync<ReviewOutcome>();

        Assert.Equal([second.Address], outcome!.LinkedSuspensions);
        Assert.True(outcome.LinkedReinstated);
        var accounts = _host.Get<AccountRepository>();
        Assert.Equal("active", (await accounts.FindAsync(second.Address))!.State);
        Assert.Equal("suspended", (await accounts.FindAsync(unrelated.Address))!.State);
        var history = await accounts.HistoryAsync(second.Id);
        Assert.Contains($"false alarm on {first.Address}", history[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hijacked_reinstates_with_a_credential_reset_deletes_held_mail_and_blocks_its_fingerprint()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host);
        var spamBefore = _host.Model.SpamMessages;
        using var op = await _host.ClientAsync("operator");

        var response = await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "hijacked", reason = "password phished, owner confirmed" });

        response.EnsureSuccessStatusCode();
        var outcome = (await response.Content.ReadFromJsonAsync<ReviewOutcome>())!;
        Assert.Equal(("active", true, 3), (outcome.State, outcome.CredentialResetRequired, outcome.Deleted.Count));
        var after = (await _host.Get<AccountRepository>().FindAsync(account.Address))!;
        Assert.Equal(("active", true), (after.State, after.CredentialResetRequired));
        Assert.All(await StatesAsync(held), s => Assert.Equal("deleted", s));
        Assert.All(held, id => Assert.False(File.Exists(Path.Combine(_host.SpoolDirectory, id.ToString("N") + ".eml"))));
        var fingerprint = Assert.Single(outcome.FingerprintsBlocked);
        Assert.Contains(await _host.Get<CampaignFingerprintRepository>().ListAsync(), f => f.Fingerprint == fingerprint && f.Status == "blocked");
        await Eventually.TrueAsync(() => Task.FromResult(_host.Tracker.Blocked.Any(b => b.Fingerprint == fingerprint)), "the block in scoring");
        Assert.Equal(spamBefore + 3, _host.Model.SpamMessages);
        var audit = await _host.Get<AuditLogRepository>().ListAsync(account.Address);
        Assert.Contains(audit, e => e.Action == "account.review" && e.Reason == "password phished, owner confirmed" && e.Details!.Contains("\"decision\": \"hijacked\"", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "account.credential_reset_required");
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync(held[0].ToString()), e => e.Action == "message.delete");
    }

    [Fact]
    public async Task Hijacked_with_release_held_releases_the_mail_instead()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host, held: 2);
        using var op = await _host.ClientAsync("operator");

        var outcome = await (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "hijacked", reason = "mail was the owner's own", releaseHeld = true })).Content.ReadFromJsonAsync<ReviewOutcome>();

        Assert.Equal(2, outcome!.Released.Count);
        Assert.All(await StatesAsync(held), s => Assert.Equal("queued", s));
    }

    [Fact]
    public async Task False_alarm_reinstates_releases_held_mail_and_learns_it_as_ham()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host, held: 2);
        var hamBefore = _host.Model.HamMessages;
        using var op = await _host.ClientAsync("operator");

        var outcome = await (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "false_alarm", reason = "quarterly customer notice, expected burst" })).Content.ReadFromJsonAsync<ReviewOutcome>();

        Assert.Equal(("active", false, 2), (outcome!.State, outcome.CredentialResetRequired, outcome.Released.Count));
        Assert.All(await StatesAsync(held), s => Assert.Equal("queued", s));
        Assert.Equal(hamBefore + 2, _host.Model.HamMessages);
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync(account.Address), e => e.Action == "account.active" && e.Reason!.Contains("quarterly customer notice", StringComparison.Ordinal));
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync(held[0].ToString()), e => e.Action == "message.release");
    }

    [Fact]
    public async Task Abusive_keeps_the_account_suspended_deletes_held_mail_and_blocks_fingerprints()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host, held: 2);
        using var op = await _host.ClientAsync("operator");

        var outcome = await (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "abusive", reason = "owner runs a spam operation" })).Content.ReadFromJsonAsync<ReviewOutcome>();

        Assert.Equal(("suspended", 2), (outcome!.State, outcome.Deleted.Count));
        Assert.All(await StatesAsync(held), s => Assert.Equal("deleted", s));
        Assert.NotEmpty(outcome.FingerprintsBlocked);
        Assert.Equal("suspended", (await _host.Get<AccountRepository>().FindAsync(account.Address))!.State);
    }

    [Fact]
    public async Task A_blocked_fingerprint_survives_a_restart_of_the_tracker()
    {
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 1);
        using var op = await _host.ClientAsync("operator");
        var outcome = await (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "abusive", reason = "spam run" })).Content.ReadFromJsonAsync<ReviewOutcome>();
        var fingerprint = Assert.Single(outcome!.FingerprintsBlocked);

        // A node started afterwards (a fresh tracker) loads the stored block when its notification hub connects.
        await using var restarted = await AdminHostOnSameDatabase.StartAsync(_host, new Dictionary<string, string?>());
        var fresh = restarted.Services.GetRequiredService<Scoring.Campaigns.CampaignTracker>();
        await Eventually.TrueAsync(() => Task.FromResult(fresh.Blocked.Any(b => b.Fingerprint == fingerprint)), "the stored block in the restarted node's tracker");
        var campaigns = await op.GetFromJsonAsync<List<Campaigns.CampaignSummary>>("/api/campaigns");
        var listed = Assert.Single(campaigns!, c => c.Fingerprint == fingerprint);
        Assert.True(listed.Blocked);
        Assert.Contains(account.Address, listed.Accounts);
    }
}
