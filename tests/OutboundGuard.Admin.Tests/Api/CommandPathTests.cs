using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Urls;
using OutboundGuard.Testing.Postgres;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Admin.Tests.Api;

/// <summary>
/// Admin publishes, every node's scoring applies: a change made through one node's API reaches the scoring objects of
/// another node on the same database, with no call from Admin into them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CommandPathTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private AdminHost _host = null!;
    private WebApplication _second = null!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(postgres);
        _second = await AdminHostOnSameDatabase.StartAsync(_host, new Dictionary<string, string?>());
    }

    public async Task DisposeAsync()
    {
        await _second.StopAsync();
        await _second.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_campaign_block_made_through_the_API_of_one_node_is_in_force_in_the_scoring_of_another()
    {
        var tracker = _second.Services.GetRequiredService<CampaignTracker>();
        using var op = await _host.ClientAsync("operator");
        const string fingerprint = "00ff00ff00ff00ff";

        var clock = Stopwatch.StartNew();
        (await op.PostAsJsonAsync($"/api/campaigns/{fingerprint}/block", new { reason = "phishing kit seen on both nodes" })).EnsureSuccessStatusCode();
        var answered = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(tracker.Blocked.Any(b => b.Fingerprint == fingerprint && b.Reason == "phishing kit seen on both nodes")), "the block on the second node");
        output.WriteLine($"block: API answered after {answered.TotalMilliseconds:F0} ms, in force on the second node after {clock.Elapsed.TotalMilliseconds:F0} ms");

        (await op.PostAsJsonAsync($"/api/campaigns/{fingerprint}/unblock", new { reason = "false positive" })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Task.FromResult(!tracker.Blocked.Any(b => b.Fingerprint == fingerprint)), "the unblock on the second node");
    }

    [Fact]
    public async Task A_URL_list_entry_made_through_the_API_of_one_node_is_in_force_in_the_scoring_of_another()
    {
        var urls = _second.Services.GetRequiredService<UrlReputationOptions>();
        using var op = await _host.ClientAsync("operator");

        var clock = Stopwatch.StartNew();
        (await op.PostAsJsonAsync("/api/url-lists/block", new { domain = "phish-landing.example", reason = "credential phishing" })).EnsureSuccessStatusCode();
        var answered = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(urls.Blocklist.Contains("phish-landing.example")), "the entry on the second node");
        output.WriteLine($"URL list: API answered after {answered.TotalMilliseconds:F0} ms, in force on the second node after {clock.Elapsed.TotalMilliseconds:F0} ms");

        var refreshed = await (await op.PostAsync("/api/url-lists/refresh", null)).Content.ReadFromJsonAsync<Apis.UrlListsApi.RefreshResult>();
        Assert.Equal((1, 0), (refreshed!.Blocked, refreshed.Allowed));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await op.DeleteAsync("/api/url-lists/block/phish-landing.example?reason=taken down")).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(!urls.Blocklist.Contains("phish-landing.example")), "the removal on the second node");
    }
}
