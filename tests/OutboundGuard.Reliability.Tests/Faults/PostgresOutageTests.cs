using System.Diagnostics;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Faults;

/// <summary>
/// PostgreSQL stopped and restarted (same port) while a load runs: clients get 4xx while it is down, never a
/// 5xx, nothing accepted is lost, and the relay resumes by itself without a restart.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Clients_get_4xx_while_PostgreSQL_is_down_and_the_relay_resumes_by_itself_losing_nothing()
    {
        await using var sink = await PostfixSmtpSink.StartAsync();
        await using var harness = await RelayHarness.StartAsync($"127.0.0.1:{sink.Port}", RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment()));
        var (account, password) = await harness.AddAccountAsync("pgload@tenant.example");
        var load = new LoadGenerator(harness.SmtpPort, account, password);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var running = load.RunAsync(4, 1200, deadline.Token);
        while (load.AcceptedCount < 200 && !running.IsCompleted)
        {
            await Task.Delay(20);
        }

        await PostgresControl.StopAsync(harness.Postgres);
        var stoppedAt = Stopwatch.GetTimestamp();
        var acceptedAtStop = load.AcceptedCount;
        await Task.Delay(Outage);
        var acceptedDuringOutage = load.AcceptedCount - acceptedAtStop;
        var refusalsDuringOutage = load.Refusals.ToDictionary(r => r.Key, r => r.Value);
        await PostgresControl.StartAsync(harness.Postgres);
        harness.DataSource.Clear();
        var startedAt = Stopwatch.GetTimestamp();
        while (load.LastAcceptedTicks < startedAt && !running.IsCompleted && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        var recovery = TimeSpan.FromSeconds((double)(load.LastAcceptedTicks - startedAt) / Stopwatch.Frequency);
        await running;
        var drained = await WaitForNoPendingAsync(harness);
        var accounting = await DeliveryAccounting.ComputeAsync(load.Accepted, sink.ReceivedFiles(), harness);
        output.WriteLine($"outage {Outage.TotalSeconds} s from {acceptedAtStop} accepted; accepted during the outage {acceptedDuringOutage} (replies already in flight); " +
                         $"first 250 {recovery.TotalSeconds:F1} s after PostgreSQL was back; {accounting}; refusals {string.Join(", ", load.Refusals.Select(r => $"{r.Key}={r.Value}"))}");

        Assert.True(load.LastAcceptedTicks > startedAt, "no message was accepted after PostgreSQL came back");
        Assert.DoesNotContain(load.Refusals.Keys, k => k.StartsWith('5'));
        Assert.Contains(refusalsDuringOutage.Keys, k => k.StartsWith('4'));
        Assert.Empty(accounting.Lost);
        Assert.True(drained, $"the queue did not drain: {accounting}");
        Assert.True(Stopwatch.GetElapsedTime(stoppedAt) < TimeSpan.FromSeconds(140));
    }

    private static async Task<bool> WaitForNoPendingAsync(RelayHarness harness)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do
        {
            if (await harness.ScalarAsync<long>("SELECT count(*) FROM messages WHERE state IN ('queued', 'deferred', 'delivering')") == 0)
            {
                return true;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }
}
