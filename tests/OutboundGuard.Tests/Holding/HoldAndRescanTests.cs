using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;

namespace OutboundGuard.Tests.Holding;

/// <summary>
/// Hold and rescan over real sockets against a running relay with its private PostgreSQL and a Postfix smtp-sink: a young
/// account's borderline message is accepted (250) and held, then released or quarantined at its rescan; an established
/// account's identical message goes out at once.
/// </summary>
public sealed class HoldAndRescanTests(HoldRelayFixture relay) : IClassFixture<HoldRelayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_fresh_accounts_borderline_message_is_held_then_released_when_nothing_was_learned()
    {
        var address = Unique("fresh") + "@hold-release.example";
        var password = await relay.AddAccountAsync(address);
        var subject = Unique("release-");

        Assert.Equal(250, await HoldMessages.SendAsync(relay.SmtpPort, address, password, HoldMessages.Create(address, 0, Unique("archive-") + ".example", subject)));

        var (state, reason) = await HoldMessages.RowAsync(relay.DataDirectory, subject);
        Assert.Equal("held", state);
        Assert.Matches(@"^held 1 min for a rescan: account \d+ min old, score 30 in the upper half below the throttle threshold 40, links to domain\(s\) new to tenant hold-release\.example \(archive-[0-9a-f]+\.example\)$", reason);
        await AssertListedByTheApiAsync(subject);

        var delivered = await relay.Sink.WaitForMessageContainingAsync(subject, Patience);
        Assert.NotNull(delivered);
        // The smarthost has the message before the relay records its 250 (the attempt commits in the next group).
        var (after, rescan) = await HoldMessages.WaitWhileAsync(relay.DataDirectory, subject, "delivering", TimeSpan.FromSeconds(60));
        Assert.Equal("delivered", after);
        Assert.Equal("held 1 min: nothing learned meanwhile stops it; released", rescan);
        Assert.True(await HoldMessages.SecondsToDeliveryAsync(relay.DataDirectory, subject) >= HoldRelayFixture.Hold.TotalSeconds,
            "the held message was delivered before its hold ended");
    }

    [Fact]
    public async Task A_held_message_is_quarantined_at_its_rescan_when_another_account_sending_the_campaign_was_suspended_meanwhile()
    {
        var first = Unique("fresh") + "@hold-campaign.example";
        var second = Unique("fresh") + "@hold-campaign-two.example";
        var firstPassword = await relay.AddAccountAsync(first);
        var secondPassword = await relay.AddAccountAsync(second);
        var link = Unique("storage-") + ".example";
        var subject = Unique("campaign-");
        var started = Stopwatch.StartNew();

        Assert.Equal(250, await HoldMessages.SendAsync(relay.SmtpPort, first, firstPassword, HoldMessages.Create(first, 1, link, subject)));
        Assert.Equal("held", (await HoldMessages.RowAsync(relay.DataDirectory, subject)).State);
        // The same campaign from a second fresh account; whatever its verdict, ops then suspend it.
        await HoldMessages.SendAsync(relay.SmtpPort, second, secondPassword, HoldMessages.Create(second, 1, link, Unique("campaign-")));
        var (code, _, stderr) = await relay.CliAsync("accounts", "suspend", second, "--reason", "phishing campaign confirmed by the customer");
        Assert.True(code == 0, stderr);
        await relay.Relay.WaitForOutputAsync($"Scoring told of account {await AccountIdAsync(second)}'s state change: suspended", Patience);
        Assert.True(started.Elapsed < HoldRelayFixture.Hold, $"the suspension took {started.Elapsed} to reach the relay, longer than the hold: the test proves nothing on this machine now");

        var (state, reason) = await HoldMessages.WaitWhileAsync(relay.DataDirectory, subject, "held", Patience);
        Assert.Equal("quarantined", state);
        Assert.Matches(@"^held 1 min: body fingerprint [0-9a-f]{16} (is now blocked \(sent by (suspended|throttled) account \d+\)|matched a campaign from 1 account\(s\) now suspended)$", reason);
        Assert.Null(await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task An_established_accounts_identical_message_is_relayed_at_once_while_a_fresh_accounts_is_held()
    {
        var established = Unique("staff") + "@hold-established.example";
        var fresh = Unique("fresh") + "@hold-established.example";
        var password = await relay.AddAccountAsync(established);
        await HoldMessages.BackdateAsync(relay.DataDirectory, established);
        var freshPassword = await relay.AddAccountAsync(fresh);
        var link = Unique("notice-") + ".example";
        var establishedSubject = Unique("established-");
        var freshSubject = Unique("young-");

        Assert.Equal(250, await HoldMessages.SendAsync(relay.SmtpPort, established, password, HoldMessages.Create(established, 2, link, establishedSubject)));
        Assert.Equal(250, await HoldMessages.SendAsync(relay.SmtpPort, fresh, freshPassword, HoldMessages.Create(fresh, 2, link, freshSubject)));

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(establishedSubject, Patience));
        Assert.NotEqual("held", (await HoldMessages.RowAsync(relay.DataDirectory, establishedSubject)).State);
        // Measured at the same moment: the established account's message is out, the fresh one's identical message waits.
        Assert.Equal("held", (await HoldMessages.RowAsync(relay.DataDirectory, freshSubject)).State);
        Assert.Null(await relay.Sink.WaitForMessageContainingAsync(freshSubject, TimeSpan.Zero));
    }

    private async Task<long> AccountIdAsync(string address)
    {
        var (_, stdout, _) = await relay.CliAsync("accounts", "show", address, "--json");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Ops see the held message, with why it is held, in GET /api/held.</summary>
    private async Task AssertListedByTheApiAsync(string subject)
    {
        var created = await relay.CliAsync("apikeys", "create", Unique("held-"), "--role", "viewer");
        Assert.True(created.ExitCode == 0, created.StdErr);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{relay.HttpPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.StdOut.Trim());
        using var list = JsonDocument.Parse(await api.GetStringAsync("/api/held"));
        var entry = list.RootElement.EnumerateArray().Single(e => e.GetProperty("subject").GetString()?.EndsWith(subject, StringComparison.Ordinal) == true);
        Assert.StartsWith("held 1 min for a rescan: ", entry.GetProperty("holdReason").GetString(), StringComparison.Ordinal);
    }
}
