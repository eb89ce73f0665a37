using System.Diagnostics;
using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>Stops and starts a test's private PostgreSQL cluster with pg_ctl (as the postgres user when root), keeping its port.</summary>
public static class PostgresControl
{
    private static bool IsRoot => Environment.UserName == "root";

    public static Task StopAsync(PrivatePostgres cluster)
        => PgCtlAsync(["-D", Path.Combine(cluster.ClusterDirectory, "pgdata"), "stop", "-m", "fast", "-w", "-t", "60"]);

    public static Task StartAsync(PrivatePostgres cluster)
        => PgCtlAsync(["-D", Path.Combine(cluster.ClusterDirectory, "pgdata"), "-l", Path.Combine(cluster.ClusterDirectory, "postgres.log"), "-w", "-t", "60",
            "-o", $"-p {cluster.Port} -c listen_addresses=127.0.0.1 -k {cluster.ClusterDirectory} -c max_connections=200", "start"]);

    private static async Task PgCtlAsync(string[] arguments)
    {
        var pgCtl = PostgresBinaries.Locate().PgCtl;
        var info = new ProcessStartInfo(IsRoot ? "runuser" : pgCtl) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (IsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", pgCtl })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }
}
