using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OutboundGuard.Storage.Postgres;

/// <summary>
/// A private PostgreSQL cluster started from the machine's binaries, for the default <c>serve</c> (in the
/// data folder) and for the tests (in a temp folder). It listens on a free loopback port only, uses a
/// random superuser password kept in the cluster folder, and is stopped when this process exits: by
/// <see cref="DisposeAsync"/> on a clean shutdown (Ctrl-C, SIGTERM) and by a watchdog process when this
/// process dies without one (kill -9), so no orphan postgres is left behind.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string DatabaseName = "outboundguard";
    public const string SuperUser = "outboundguard";

    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private readonly bool _deleteOnStop;
    private int _stopped;
    private bool _owned = true;
    private Process? _watchdog;

    private PrivatePostgres(PostgresBinaries binaries, string directory, int port, string password, bool deleteOnStop, ILogger logger)
    {
        _binaries = binaries;
        ClusterDirectory = directory;
        Port = port;
        _deleteOnStop = deleteOnStop;
        _logger = logger;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = DatabaseName,
            MaxPoolSize = 50,
        }.ConnectionString;
    }

    /// <summary>The folder holding the cluster (PGDATA is its 'pgdata' subfolder).</summary>
    public string ClusterDirectory { get; }

    public int Port { get; }

    /// <summary>Connection string to the 'outboundguard' database as the cluster's superuser.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(ClusterDirectory, "pgdata");

    /// <summary>
    /// Starts (creating on first use) the cluster in <paramref name="clusterDirectory"/>.
    /// </summary>
    /// <param name="clusterDirectory">Folder for the cluster; created if missing.</param>
    /// <param name="deleteOnStop">True for throw-away clusters (tests): the folder is removed after the stop.</param>
    /// <param name="logger">Where to log start and stop.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="PostgresNotInstalledException">initdb or pg_ctl are not on this machine.</exception>
    public static async Task<PrivatePostgres> StartAsync(string clusterDirectory, bool deleteOnStop = false, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var binaries = PostgresBinaries.Locate();
        clusterDirectory = Path.GetFullPath(clusterDirectory);
        Directory.CreateDirectory(clusterDirectory);
        var passwordFile = Path.Combine(clusterDirectory, "superuser.password");
        var dataDirectory = Path.Combine(clusterDirectory, "pgdata");

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            await File.WriteAllTextAsync(passwordFile, password, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await ProcessRunner.GrantFolderAsync(clusterDirectory, cancellationToken).ConfigureAwait(false);
            var (code, output) = await ProcessRunner.RunAsync(binaries.InitDb,
                ["-D", dataDirectory, "-U", SuperUser, "--pwfile", passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"],
                cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"initdb failed for {dataDirectory} (exit {code}): {output.Trim()}");
            }
        }

        var secret = (await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false)).Trim();

        // A cluster already running in this folder belongs to another OutboundGuard process (e.g. `serve`
        // while the CLI manages accounts): use it, and leave it running.
        // One that is still starting, or shutting down (its owner was killed and the watchdog is stopping it), refuses
        // connections for a moment: wait, then attach to it or start a new one once it is gone.
        // One whose owner was killed is about to be stopped by that owner's watchdog (it looks once a second): wait for
        // it to go rather than attach to it and lose the connection in the middle of starting up.
        await WaitForOrphanToStopAsync(clusterDirectory, dataDirectory, cancellationToken).ConfigureAwait(false);
        for (var waited = 0; RunningPort(dataDirectory) is int runningPort; waited++)
        {
            var attached = new PrivatePostgres(binaries, clusterDirectory, runningPort, secret, deleteOnStop: false, logger) { _owned = false };
            try
            {
                await attached.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
                return attached;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow && waited < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }

        // A stale pid file of a cluster that is gone: let pg_ctl clean up.
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            await ProcessRunner.RunAsync(binaries.PgCtl, ["-D", dataDirectory, "stop", "-m", "fast", "-w"], cancellationToken).ConfigureAwait(false);
        }

        Exception? lastError = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = LoopbackPorts.Next();
            var (code, output) = await ProcessRunner.RunAsync(binaries.PgCtl,
                ["-D", dataDirectory, "-l", Path.Combine(clusterDirectory, "postgres.log"), "-w", "-t", "60",
                 "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {clusterDirectory} -c max_connections=200 -c shared_buffers=128MB", "start"],
                cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                lastError = new InvalidOperationException($"pg_ctl start failed on port {port} (exit {code}): {output.Trim()}");
                continue;
            }

            var cluster = new PrivatePostgres(binaries, clusterDirectory, port, secret, deleteOnStop, logger);
            await File.WriteAllTextAsync(OwnerFile(clusterDirectory), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            cluster.StartWatchdog();
            await cluster.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
            Log.PrivatePostgresStarted(logger, clusterDirectory, port);
            return cluster;
        }

        throw lastError!;
    }

    /// <summary>Starts a throw-away cluster in a new temp folder (used by the tests).</summary>
    public static Task<PrivatePostgres> StartTemporaryAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "outboundguard-pg-" + Guid.NewGuid().ToString("N")[..12]);
        return StartAsync(directory, deleteOnStop: true, logger, cancellationToken);
    }

    /// <summary>Stops the cluster (fast shutdown: open sessions are ended, committed data is safe).</summary>
    public async Task StopAsync()
    {
        if (!_owned || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        StopWatchdog();
        var (code, output) = await ProcessRunner.RunAsync(_binaries.PgCtl, ["-D", DataDirectory, "stop", "-m", "fast", "-w", "-t", "60"], CancellationToken.None).ConfigureAwait(false);
        if (code != 0)
        {
            Log.PrivatePostgresStopFailed(_logger, code, output.Trim());
        }
        else
        {
            Log.PrivatePostgresStopped(_logger);
        }

        if (_deleteOnStop)
        {
            try
            {
                Directory.Delete(ClusterDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort for temp folders.
            }
        }
    }

    /// <summary>Stops the cluster synchronously; used from process-exit handlers.</summary>
    public void Stop() => StopAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A small shell loop, started detached, that stops the cluster as soon as this process is gone, so
    /// that even a kill -9 of the relay leaves no postgres behind.
    /// </summary>
    private void StartWatchdog()
    {
        // Only the postmaster this process started is stopped: after a clean stop another process may
        // already have started a new one in the same folder (CLI verbs run back to back).
        var postmaster = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First().Trim();
        var script = "exec </dev/null >/dev/null 2>&1; " + $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
                     $"if [ \"$(head -n 1 '{DataDirectory}/postmaster.pid' 2>/dev/null)\" = \"{postmaster}\" ]; then " +
                     $"'{_binaries.PgCtl}' -D '{DataDirectory}' stop -m fast -w >/dev/null 2>&1; fi" +
                     (_deleteOnStop ? $"; rm -rf '{ClusterDirectory}'" : "");
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = false };
        if (ProcessRunner.IsRoot)
        {
            // The watchdog itself runs as root so it can remove the temp folder; pg_ctl drops to the service user.
            script = script.Replace($"'{_binaries.PgCtl}'", $"runuser -u {ProcessRunner.ServiceUser} -- '{_binaries.PgCtl}'", StringComparison.Ordinal);
        }

        info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        _watchdog = Process.Start(info);
    }

    private void StopWatchdog()
    {
        try
        {
            if (_watchdog is { HasExited: false })
            {
                _watchdog.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _watchdog?.Dispose();
        _watchdog = null;
    }

    /// <summary>The port of a live postmaster in this data folder, from its postmaster.pid, or null.</summary>
    /// <summary>The file naming the process that started the cluster (whose watchdog stops it when that process is gone).</summary>
    private static string OwnerFile(string clusterDirectory) => Path.Combine(clusterDirectory, "owner.pid");

    /// <summary>
    /// Waits, at most 30 s, for a running cluster whose owner process is gone to be stopped by that owner's watchdog; returns
    /// at once when no cluster runs, when its owner lives, or when no owner is recorded.
    /// </summary>
    private static async Task WaitForOrphanToStopAsync(string clusterDirectory, string dataDirectory, CancellationToken cancellationToken)
    {
        string owner;
        try
        {
            owner = (await File.ReadAllTextAsync(OwnerFile(clusterDirectory), cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (IOException)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        while (RunningPort(dataDirectory) is not null && !Directory.Exists(Path.Combine("/proc", owner))
               && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private static int? RunningPort(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length < 4 || !int.TryParse(lines[0].Trim(), out var pid) || !int.TryParse(lines[3].Trim(), out var port))
            {
                return null;
            }

            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : port;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
