using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Migrations;
using OutboundGuard.Storage.Postgres;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Processes;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// The real relay under attack or fault: `outboundguard serve` as a process, with a private PostgreSQL that
/// the test owns (so the test can stop it, query it, and keep it across a kill -9 of the relay), a data
/// folder for the spool, and a downstream (Postfix smtp-sink, a scripted server, or the built-in sink).
/// </summary>
public sealed class RelayHarness : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string? _smarthost;

    private RelayHarness(PrivatePostgres postgres, string? smarthost, string dataDirectory, Dictionary<string, string> environment)
    {
        Postgres = postgres;
        DataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        _smarthost = smarthost;
        DataDirectory = dataDirectory;
        _environment = environment;
    }

    public PrivatePostgres Postgres { get; }

    public NpgsqlDataSource DataSource { get; }

    public RelayProcess Relay { get; private set; } = null!;

    public string DataDirectory { get; }

    public int SmtpPort { get; } = FreePort.Next();

    public int HttpPort { get; } = FreePort.Next();

    public IPEndPoint SmtpEndPoint => new(IPAddress.Loopback, SmtpPort);

    /// <summary>Environment every relay of the suite gets: quick delivery polling, AUTH over plain loopback.</summary>
    public static Dictionary<string, string> BaseEnvironment() => new()
    {
        ["OutboundGuard__Delivery__PollInterval"] = "00:00:01",
        ["OutboundGuard__Delivery__RetryInitialDelay"] = "00:00:01",
        ["OutboundGuard__Delivery__RetryMaxDelay"] = "00:00:02",
        ["OutboundGuard__Delivery__RetryJitter"] = "0",
        ["OutboundGuard__Delivery__LeaseDuration"] = "00:00:06",
        ["OutboundGuard__Smtp__AllowAuthWithoutTls"] = "true",
        ["OutboundGuard__Smtp__ServerName"] = "relay.test",
    };

    /// <summary>Environment that keeps scoring from stopping a load test's senders (limits and thresholds far away).</summary>
    public static Dictionary<string, string> PermissiveScoring(Dictionary<string, string> environment)
    {
        environment["OutboundGuard__Scoring__DefaultLimits__MessagesPerMinute"] = "10000000";
        environment["OutboundGuard__Scoring__DefaultLimits__MessagesPerHour"] = "10000000";
        environment["OutboundGuard__Scoring__DefaultLimits__RecipientsPerMinute"] = "10000000";
        environment["OutboundGuard__Scoring__DefaultLimits__RecipientsPerHour"] = "10000000";
        environment["OutboundGuard__Scoring__DefaultLimits__RecipientsPerDay"] = "10000000";
        environment["OutboundGuard__Scoring__Thresholds__HighRiskRoute"] = "100000";
        environment["OutboundGuard__Scoring__Thresholds__Throttle"] = "200000";
        environment["OutboundGuard__Scoring__Thresholds__Quarantine"] = "300000";
        environment["OutboundGuard__Scoring__Thresholds__Suspend"] = "400000";
        environment["OutboundGuard__Scoring__HonourDecisiveFindings"] = "false";
        return environment;
    }

    /// <summary>Starts PostgreSQL (migrated) and the relay, sending to <paramref name="smarthost"/> ("127.0.0.1:port"), or into the built-in sink when null.</summary>
    public static async Task<RelayHarness> StartAsync(string? smarthost, Dictionary<string, string>? environment = null, string? dataDirectory = null)
    {
        var postgres = await PrivatePostgres.StartTemporaryAsync();
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "og-rel-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dataDirectory);
        var harness = new RelayHarness(postgres, smarthost, dataDirectory, environment ?? BaseEnvironment());
        await Migrator.ApplyAsync(harness.DataSource);
        await harness.StartRelayAsync();
        return harness;
    }

    /// <summary>Starts the relay process (again, after a kill) on the same ports, database and data folder.</summary>
    public async Task StartRelayAsync()
    {
        var arguments = new List<string>
        {
            "serve", "--smtp", $"127.0.0.1:{SmtpPort}", "--http", $"127.0.0.1:{HttpPort}", "--data", DataDirectory,
            "--connection-string", Postgres.ConnectionString,
        };
        if (_smarthost is not null)
        {
            arguments.AddRange(["--smarthost", _smarthost]);
        }

        Relay = RelayProcess.Start(arguments, _environment);
        await Relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
    }

    /// <summary>kill -9: no shutdown code runs, as in a crash or power loss of the process.</summary>
    public async Task KillRelayAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-9", Relay.ProcessId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!Relay.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Relay.DisposeAsync();
    }

    /// <summary>The relay process's resident memory, from /proc/PID/status (VmRSS), in KiB.</summary>
    public long RelayRssKiB() => ProcStatus.ReadKiB(Relay.ProcessId, "VmRSS");

    /// <summary>The relay process's peak resident memory (VmHWM), in KiB.</summary>
    public long RelayPeakRssKiB() => ProcStatus.ReadKiB(Relay.ProcessId, "VmHWM");

    public async Task<(string Address, string Password)> AddAccountAsync(string address, string? password = null)
    {
        password ??= "pw-" + Guid.NewGuid().ToString("N")[..16];
        var tenant = address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        await new AccountRepository(DataSource).AddAsync(address, tenant, password, "test");
        return (address, password);
    }

    public Task AddConnectorAsync(string tenant, string network) => new TenantRepository(DataSource).AddConnectorAsync(tenant, network);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Subjects of the rows in the given states (the suite puts each message's test id in its subject).</summary>
    public async Task<List<(string Subject, string State)>> MessageSubjectsAsync()
    {
        var rows = new List<(string, string)>();
        await using var command = DataSource.CreateCommand("SELECT coalesce(subject, ''), state FROM messages WHERE bounce_of IS NULL");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (Relay is not null)
        {
            await Relay.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
