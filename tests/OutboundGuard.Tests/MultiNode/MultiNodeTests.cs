using System.Diagnostics;
using Dapper;
using Xunit;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>Two relay nodes behind HAProxy sharing one PostgreSQL: one burst bound, one account state.</summary>
public sealed class MultiNodeTests(MultiNodeFixture cluster, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<MultiNodeFixture>
{
    private static string NewAddress(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..14] + "@tenant.example";

    private async Task<long> AccountIdAsync(string address)
    {
        await using var connection = await cluster.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM accounts WHERE address = @address", new { address });
    }

    [Fact]
    public async Task A_burst_split_across_both_nodes_is_contained_within_the_single_node_bound()
    {
        var address = NewAddress("burst");
        var password = await cluster.AddAccountAsync(address);
        var before = (A: await cluster.NodeA.MetricAsync("outboundguard_smtp_sessions_total"), B: await cluster.NodeB.MetricAsync("outboundguard_smtp_sessions_total"));
        var syncsBefore = await cluster.NodeA.MetricAsync("outboundguard_shared_counter_sync_total") + await cluster.NodeB.MetricAsync("outboundguard_shared_counter_sync_total");
        var replies = new List<int>();

        // Each node knows the other runs: only then is an account's count shared before each of its messages is scored.
        Assert.Equal(1, await cluster.NodeA.MetricAsync("outboundguard_cluster_peers"));
        Assert.Equal(1, await cluster.NodeB.MetricAsync("outboundguard_cluster_peers"));

        // One connection per message: HAProxy alternates them between the nodes.
        for (var i = 0; i < 200 && !replies.Contains(550); i++)
        {
            using var client = await ClusterSmtp.ThroughBalancerAsync(cluster.Balancer.Port, address, password);
            replies.Add(await ClusterSmtp.SendAsync(client, ClusterSmtp.Message(address, $"colleague{i}@partner{i % 40}.example", $"Meeting notes {i}")));
            await client.DisconnectAsync(true);
        }

        var accepted = replies.Count(r => r == 250);
        output.WriteLine($"{replies.Count} attempts, {accepted} accepted, first 451 at {replies.IndexOf(451) + 1}, 550 at {replies.IndexOf(550) + 1}: {string.Join(',', replies)}");
        foreach (var node in new[] { cluster.NodeA, cluster.NodeB })
        {
            foreach (var line in node.Process.Output.Split('\n').Where(l => l.Contains(address, StringComparison.Ordinal) && l.Contains('→', StringComparison.Ordinal)))
            {
                output.WriteLine($"{node.Name}: {line}");
            }
        }
        Assert.True(replies.Contains(451), $"never throttled: {string.Join(',', replies)}");
        // Pace alone throttles and never suspends (the ladder); the throttle, not a suspension, contains the burst.

        // The bound one node keeps on its own (RelayEndToEndTests): at most 30 accepted before containment.
        Assert.True(accepted <= 30, $"{accepted} accepted across two nodes: {string.Join(',', replies)}");
        var sessionsA = await cluster.NodeA.MetricAsync("outboundguard_smtp_sessions_total") - before.A;
        var sessionsB = await cluster.NodeB.MetricAsync("outboundguard_smtp_sessions_total") - before.B;
        Assert.True(sessionsA >= replies.Count / 3 && sessionsB >= replies.Count / 3, $"not split: node A {sessionsA}, node B {sessionsB} sessions for {replies.Count} messages");
        var syncs = await cluster.NodeA.MetricAsync("outboundguard_shared_counter_sync_total") + await cluster.NodeB.MetricAsync("outboundguard_shared_counter_sync_total") - syncsBefore;
        // Every message scored from an account's third in a minute on shares synchronously; refusals at MAIL FROM are not scored.
        Assert.True(syncs >= Math.Max(1, accepted - 3), $"{syncs} synchronous shares for {accepted} accepted messages");

        // The client's own address survived the balancer (PROXY v2) into the stored messages.
        var accountId = await AccountIdAsync(address);
        await using var connection = await cluster.DataSource.OpenConnectionAsync();
        var clientIps = (await connection.QueryAsync<string>("SELECT DISTINCT host(client_ip) FROM messages WHERE account_id = @accountId", new { accountId })).ToList();
        Assert.Equal([ClusterSmtp.ClientAddress.ToString()], clientIps);
    }

    [Fact]
    public async Task A_suspension_decided_on_node_A_is_enforced_on_node_B_within_one_second_and_a_CLI_reinstatement_propagates_the_same_way()
    {
        var address = NewAddress("spread");
        var password = await cluster.AddAccountAsync(address);

        // Node B has the account in memory (entries live 10 min here): only the announcement can change its mind.
        await using var probeB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        Assert.Equal(250, await probeB.ProbeMailFromAsync(address));
        Assert.Equal(250, await probeB.ProbeMailFromAsync(address));

        // Phishing with a look-alike link straight at node A until node A's policy suspends the account.
        var replies = new List<int>();
        using (var client = await ClusterSmtp.DirectAsync(cluster.NodeA.SmtpPort, address, password))
        {
            for (var i = 0; i < 200 && !replies.Contains(550); i++)
            {
                replies.Add(await ClusterSmtp.SendAsync(client, ClusterSmtp.Message(address, $"colleague{i}@partner{i % 40}.example", $"Password expiry {i}", ClusterSmtp.Phishing)));
            }
        }

        Assert.Contains(550, replies);

        // Node B ends the account's open session (421 4.7.1); a new session's MAIL FROM is refused.
        Assert.Equal("421 4.7.1 Sending account suspended; closing connection", await probeB.NextReplyOrCloseAsync());
        await using var freshB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        var suspendedAfter = await WaitForMailFromAsync(freshB, address, 550);
        output.WriteLine($"node B refused MAIL FROM {suspendedAfter.TotalMilliseconds:0} ms after node A's 550 and a new session");
        Assert.True(suspendedAfter < TimeSpan.FromSeconds(1), $"node B enforced the suspension after {suspendedAfter.TotalMilliseconds:0} ms");

        var (code, stdout, stderr) = await cluster.CliAsync("accounts", "reinstate", address, "--reason", "customer reset the password");
        Assert.True(code == 0, $"reinstate failed ({code}): {stdout} {stderr}");
        var reinstatedAfter = await WaitForMailFromAsync(freshB, address, 250);
        output.WriteLine($"node B accepted MAIL FROM {reinstatedAfter.TotalMilliseconds:0} ms after the CLI reinstated the account");
        Assert.True(reinstatedAfter < TimeSpan.FromSeconds(1), $"node B saw the reinstatement after {reinstatedAfter.TotalMilliseconds:0} ms");
        await using var probeA = await ProxiedSmtpSession.OpenAsync(cluster.NodeA.SmtpPort, address, password);
        Assert.Equal(250, await probeA.ProbeMailFromAsync(address));
    }

    [Fact]
    public async Task A_reinstatement_made_through_the_api_on_node_A_is_enforced_on_node_B_within_one_second()
    {
        var address = NewAddress("apire");
        var password = await cluster.AddAccountAsync(address);
        await using var probeB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        Assert.Equal(250, await probeB.ProbeMailFromAsync(address));
        var suspended = await cluster.CliAsync("accounts", "suspend", address, "--reason", "reported by a recipient");
        Assert.Equal(0, suspended.ExitCode);
        Assert.Equal("421 4.7.1 Sending account suspended; closing connection", await probeB.NextReplyOrCloseAsync());
        await using var freshB = await ProxiedSmtpSession.OpenAsync(cluster.NodeB.SmtpPort, address, password);
        await WaitForMailFromAsync(freshB, address, 550);
        var key = await cluster.CliAsync("apikeys", "create", "ops-" + Guid.NewGuid().ToString("N")[..6], "--role", "operator");
        Assert.True(key.ExitCode == 0, key.StdErr);

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key.StdOut.Trim());
        using var body = System.Net.Http.Json.JsonContent.Create(new { reason = "false alarm: the customer's newsletter" });
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{cluster.NodeA.HttpPort}/api/accounts/{address}/reinstate"), body);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        var reinstatedAfter = await WaitForMailFromAsync(freshB, address, 250);
        output.WriteLine($"node B accepted MAIL FROM {reinstatedAfter.TotalMilliseconds:0} ms after the API on node A reinstated the account");
        Assert.True(reinstatedAfter < TimeSpan.FromSeconds(1), $"node B saw the reinstatement after {reinstatedAfter.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Metrics_scraped_during_traffic_show_sessions_messages_and_downstream_replies_moving()
    {
        var address = NewAddress("metric");
        var password = await cluster.AddAccountAsync(address);
        async Task<double[]> ScrapeAsync(string sample) => [await cluster.NodeA.MetricAsync(sample), await cluster.NodeB.MetricAsync(sample)];
        var sessions = await ScrapeAsync("outboundguard_smtp_sessions_total");
        var decided = await ScrapeAsync("outboundguard_messages_total");
        var accepted = await ScrapeAsync("outboundguard_message_replies_total{class=\"2xx\"}");
        var downstream = await ScrapeAsync("outboundguard_downstream_replies_total{class=\"2xx\"}");
        var scored = await ScrapeAsync("outboundguard_scoring_duration_seconds_count");

        for (var i = 0; i < 4; i++)
        {
            using var client = await ClusterSmtp.ThroughBalancerAsync(cluster.Balancer.Port, address, password);
            Assert.Equal(250, await ClusterSmtp.SendAsync(client, ClusterSmtp.Message(address, $"friend{i}@example.org", $"Hello {i}")));
            await client.DisconnectAsync(true);
        }

        Assert.True((await ScrapeAsync("outboundguard_smtp_sessions_total")).Sum() - sessions.Sum() >= 4);
        Assert.Equal(4, (await ScrapeAsync("outboundguard_messages_total")).Sum() - decided.Sum());
        Assert.Equal(4, (await ScrapeAsync("outboundguard_message_replies_total{class=\"2xx\"}")).Sum() - accepted.Sum());
        Assert.Equal(4, (await ScrapeAsync("outboundguard_scoring_duration_seconds_count")).Sum() - scored.Sum());
        var (_, body) = await cluster.NodeA.GetAsync("/metrics");
        Assert.Equal(1, RelayNode.Value(body, "outboundguard_database_up"));
        Assert.Equal(1, RelayNode.Value(body, "outboundguard_account_state_listener_up"));
        Assert.Contains("outboundguard_queue_messages{state=\"queued\"}", body, StringComparison.Ordinal);
        Assert.Contains("outboundguard_accounts{state=\"active\"}", body, StringComparison.Ordinal);

        // Delivery to the sink shows up as downstream 2xx replies on whichever nodes delivered.
        var deadline = Stopwatch.StartNew();
        while ((await ScrapeAsync("outboundguard_downstream_replies_total{class=\"2xx\"}")).Sum() - downstream.Sum() < 4)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the 4 messages were not delivered within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Probes MAIL FROM every 20 ms until it answers <paramref name="expected"/>; returns how long that took (fails after 10 s).</summary>
    private static async Task<TimeSpan> WaitForMailFromAsync(ProxiedSmtpSession session, string sender, int expected)
    {
        var watch = Stopwatch.StartNew();
        while (await session.ProbeMailFromAsync(sender) != expected)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"MAIL FROM never answered {expected}");
            await Task.Delay(20);
        }

        return watch.Elapsed;
    }
}
