using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboundGuard.Delivery;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Status;

namespace OutboundGuard.Observability;

/// <summary>
/// Whether this node should receive traffic: PostgreSQL answers, the spool folder takes a file, each
/// smarthost accepts a TCP connection (or the sink folder takes a file), and the node is not shutting down.
/// Each check has a 2 s budget; all run in parallel.
/// </summary>
internal sealed class ReadinessProbe(StatusRepository status, FileSpool spool, IOptions<DeliveryOptions> delivery, IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<Task<ReadinessCheck>>
        {
            RunAsync("postgres", ct => status.PingAsync(ct), cancellationToken),
            RunAsync("spool", _ => ProbeFolderAsync(spool.Directory), cancellationToken),
        };
        var options = delivery.Value;
        if (options.Smarthost is null)
        {
            checks.Add(RunAsync("route:sink", _ => ProbeFolderAsync(options.SinkDirectory), cancellationToken));
        }
        else
        {
            checks.Add(RunAsync($"route:default {options.Smarthost.Host}:{options.Smarthost.Port}", ct => ConnectAsync(options.Smarthost, ct), cancellationToken));
            if (options.HighRiskSmarthost is { } highRisk)
            {
                checks.Add(RunAsync($"route:high-risk {highRisk.Host}:{highRisk.Port}", ct => ConnectAsync(highRisk, ct), cancellationToken));
            }
        }

        var results = (await Task.WhenAll(checks)).ToList();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            results.Add(new ReadinessCheck("shutdown", false, "the node is draining", 0));
        }

        return new ReadinessReport(results.TrueForAll(c => c.Ok), results);
    }

    private static async Task<ReadinessCheck> RunAsync(string name, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            await check(timeout.Token);
            return new ReadinessCheck(name, true, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReadinessCheck(name, false, $"no answer within {Budget.TotalSeconds:0} s", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ReadinessCheck(name, false, e.GetBaseException().Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task ProbeFolderAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var probe = Path.Combine(folder, $".ready-{Environment.ProcessId}-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(probe, "ready");
        File.Delete(probe);
    }

    private static async Task ConnectAsync(SmarthostOptions smarthost, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(smarthost.Host, smarthost.Port, cancellationToken);
    }
}

/// <summary>The answer of /ready.</summary>
internal sealed record ReadinessReport(bool Ready, IReadOnlyList<ReadinessCheck> Checks);

/// <summary>One check of /ready: its name, whether it passed, why not, and how long it took in milliseconds.</summary>
internal sealed record ReadinessCheck(string Name, bool Ok, string? Error, double Milliseconds);
