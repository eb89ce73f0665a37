using System.Diagnostics;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Faults;

/// <summary>
/// kill -9 of the relay process in the middle of a load of thousands of messages over several connections,
/// then a restart on the same data folder and database: every message that got a 250 is delivered, still
/// queued or quarantined — none is lost — and duplicates stay within what docs/delivery.md allows.
/// </summary>
public sealed class RelayCrashTests(ITestOutputHelper output)
{
    private const int Total = 2000;
    private const int Connections = 6;
    private const int KillAfterAccepted = 700;

    [Fact]
    public async Task A_kill_9_under_load_loses_no_accepted_message()
    {
        await using var sink = await PostfixSmtpSink.StartAsync();
        await using var harness = await RelayHarness.StartAsync($"127.0.0.1:{sink.Port}", RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment()));
        var (account, password) = await harness.AddAccountAsync("load@tenant.example");
        var load = new LoadGenerator(harness.SmtpPort, account, password);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var started = Stopwatch.GetTimestamp();
        var running = load.RunAsync(Connections, Total, deadline.Token);

        while (load.AcceptedCount < KillAfterAccepted && !running.IsCompleted && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        var acceptedBeforeKill = load.AcceptedCount;
        var rate = acceptedBeforeKill / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await harness.KillRelayAsync();
        var killedAt = Stopwatch.GetTimestamp();
        await harness.StartRelayAsync();
        var restarted = Stopwatch.GetElapsedTime(killedAt);
        while (load.LastAcceptedTicks < killedAt + Stopwatch.Frequency && !running.IsCompleted && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        var firstAcceptAfterKill = TimeSpan.FromSeconds((double)(load.LastAcceptedTicks - killedAt) / Stopwatch.Frequency);
        await running;
        var pending = await WaitForQueueToDrainAsync(harness);
        var accounting = await DeliveryAccounting.ComputeAsync(load.Accepted, sink.ReceivedFiles(), harness);
        output.WriteLine($"load {rate:F0} msg/s over {Connections} connections; killed after {acceptedBeforeKill} accepted; relay back in {restarted.TotalSeconds:F1} s, " +
                         $"accepting again {firstAcceptAfterKill.TotalSeconds:F1} s after the kill; pending after drain {pending}; {accounting}; " +
                         $"refusals {string.Join(", ", load.Refusals.Select(r => $"{r.Key}={r.Value}"))}");

        Assert.True(load.AcceptedCount > KillAfterAccepted, $"the load did not resume: {accounting}");
        Assert.Empty(accounting.Lost);

        // Only messages in delivery at the moment of the kill can go out twice (docs/delivery.md, case 1 and 2).
        Assert.InRange(accounting.Duplicates.Count, 0, 8);
        Assert.Equal(0, pending);

        // The restarted relay reuses the files of what it delivered (docs/delivery.md, "Removed files are reused"): they
        // wait emptied, none holds content.
        var free = Directory.GetFiles(Path.Combine(harness.DataDirectory, "spool"), "*.free", SearchOption.AllDirectories);
        Assert.NotEmpty(free);
        Assert.All(free, f => Assert.Equal(0, new FileInfo(f).Length));
    }

    private static async Task<long> WaitForQueueToDrainAsync(RelayHarness harness)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        long pending;
        do
        {
            pending = await harness.ScalarAsync<long>("SELECT count(*) FROM messages WHERE state IN ('queued', 'deferred', 'delivering')");
            if (pending == 0)
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        return pending;
    }
}
