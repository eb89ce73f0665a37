using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OutboundGuard.Accounts;
using OutboundGuard.Cluster;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Counters;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Verdicts;
using OutboundGuard.Testing.Postgres;

namespace OutboundGuard.Relay.Tests.TestBed;

/// <summary>
/// The relay's decision path as the host wires it, on the assembly's private PostgreSQL and a temporary spool: the
/// account gate, the scorer (the scoring box's default pipeline: every detector, the default policy) and the action
/// dispatcher, with real repositories and account actions; only the clock is a fake one, set to the present, and the
/// host's metrics and delivery wake-up are recorded.
/// </summary>
internal sealed class RelayBed : IAsyncDisposable
{
    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "og-relay-" + Guid.NewGuid().ToString("N"));
    private readonly SpoolCommitter _committer;

    public RelayBed(PostgresFixture postgres, ScoringOptions? scoring = null)
    {
        DataSource = postgres.DataSource;
        Scoring = scoring ?? new ScoringOptions();
        Spool = new FileSpool(_spoolDirectory, FileSpool.DefaultRecycledFiles, SpoolSync.Auto);
        Accounts = new AccountRepository(DataSource);
        Actions = new AccountActions(Accounts, []);
        Verdicts = new VerdictRepository(DataSource);
        Refusals = new RefusedAttempts(Time, Metrics);
        Gate = new AccountGate(Actions, Refusals, Time);
        var pipeline = ScoringPipeline.CreateDefault(Scoring, Time);
        var shared = new SharedActivity(new SharedCounterRepository(DataSource), pipeline.Tracker, new ClusterPeers(Options.Create(new ClusterOptions()), Time), Options.Create(new ClusterOptions()), Time,
            NullLogger<SharedActivity>.Instance);
        Scorer = new MessageScorer(pipeline, shared, Metrics, Options.Create(AccountLimits.Default));
        _committer = new SpoolCommitter(DataSource, Spool);
        Dispatcher = new ActionDispatcher(_committer, Spool, Verdicts, Actions, Delivery, Gate, Options.Create(Scoring), Time, Metrics,
            NullLogger<ActionDispatcher>.Instance);
    }

    public NpgsqlDataSource DataSource { get; }

    public ScoringOptions Scoring { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public RecordingRelayMetrics Metrics { get; } = new();

    public RecordingDeliverySignal Delivery { get; } = new();

    public FileSpool Spool { get; }

    public AccountRepository Accounts { get; }

    public AccountActions Actions { get; }

    public VerdictRepository Verdicts { get; }

    public RefusedAttempts Refusals { get; }

    public AccountGate Gate { get; }

    public MessageScorer Scorer { get; }

    public ActionDispatcher Dispatcher { get; }

    /// <summary>A new account of its own tenant, as the test's only sender.</summary>
    public async Task<AccountRecord> NewAccountAsync()
    {
        var tenant = $"t{Guid.NewGuid():N}"[..12] + ".example";
        return await Accounts.AddAsync("sender@" + tenant, tenant, null, "test");
    }

    /// <summary>The account as it is stored now.</summary>
    public async Task<AccountRecord> ReloadAsync(AccountRecord account) => (await Accounts.FindByIdAsync(account.Id))!;

    /// <summary>
    /// Spools <paramref name="content"/> (CRLF lines) the way <see cref="SpoolingMessageSink"/> does (spool writer, file
    /// fsynced, its folder left to the committer) and returns the message as the sink hands it to the scorer.
    /// </summary>
    public async Task<IncomingMessage> SpoolAsync(AccountRecord account, string content, params string[] recipients)
    {
        var id = Guid.NewGuid();
        var octets = Encoding.UTF8.GetBytes(content.ReplaceLineEndings("\r\n"));
        string path;
        await using (var writer = Spool.Create(id))
        {
            await writer.WriteAsync(octets, CancellationToken.None);
            await writer.CommitFileAsync(CancellationToken.None);
            path = writer.Path;
        }

        var session = new SmtpSessionInfo
        {
            SessionId = "s" + id.ToString("N")[..10],
            RemoteEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 587),
            HeloName = "mta.example",
            IsSecure = true,
        };
        var envelope = new SmtpEnvelope { ReversePath = account.Address };
        foreach (var recipient in recipients.Length == 0 ? ["someone@example.org"] : recipients)
        {
            envelope.Recipients.Add(new SmtpRecipient(recipient));
        }

        return new IncomingMessage(id, path, octets.Length, session, envelope, account);
    }

    /// <summary>An ordinary message from <paramref name="account"/>.</summary>
    public static string OrdinaryMessage(AccountRecord account, string subject = "Minutes of Tuesday's meeting") => $"""
        From: Ana Silva <{account.Address}>
        To: someone@example.org
        Subject: {subject}
        Date: Tue, 01 Dec 2026 10:00:00 +0000
        Message-ID: <{Guid.NewGuid():N}@{account.Tenant}>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Hello,

        attached below are the minutes of Tuesday's meeting. We agreed to move the review to Thursday.

        Regards,
        Ana

        """;

    /// <summary>Spools an ordinary message and scores it with the real scorer.</summary>
    public async Task<(IncomingMessage Message, ScoredMessage Scored)> SpoolAndScoreAsync(AccountRecord account)
    {
        var message = await SpoolAsync(account, OrdinaryMessage(account));
        return (message, await Scorer.ScoreAsync(message, CancellationToken.None));
    }

    /// <summary>The stored state and route of a message row, or null when there is none.</summary>
    public async Task<(string State, string Route)?> MessageRowAsync(Guid id)
    {
        await using var command = DataSource.CreateCommand("SELECT state, route FROM messages WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync();
        Spool.Dispose();
        Directory.Delete(_spoolDirectory, recursive: true);
    }
}
