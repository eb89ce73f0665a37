using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboundGuard.Delivery.Routes;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>
/// One test's world: its own database (real migrations), a spool folder, delivery options with seconds
/// instead of minutes, and the real <see cref="DeliveryQueue"/> that can be started and stopped (a restart).
/// </summary>
public sealed class DeliveryHarness : IAsyncDisposable
{
    private DeliveryQueue? _queue;
    private DeliveryRouter? _router;
    private NotificationHub? _hub;

    private readonly bool _ownsDatabase = true;

    private DeliveryHarness(NpgsqlDataSource dataSource, DeliveryOptions options, string root, bool ownsDatabase = true)
    {
        _ownsDatabase = ownsDatabase;
        DataSource = dataSource;
        Options = options;
        Root = root;
        SpoolDirectory = Directory.CreateDirectory(Path.Combine(root, "spool")).FullName;
        Repository = new MessageQueueRepository(dataSource);
    }

    public NpgsqlDataSource DataSource { get; }

    public DeliveryOptions Options { get; }

    public string Root { get; }

    public string SpoolDirectory { get; }

    public MessageQueueRepository Repository { get; }

    public ConcurrentQueue<(long? AccountId, Guid MessageId, int Code, string Text, string Outcome)> Feedback { get; } = new();

    public DeliveryQueue Queue => _queue ?? throw new InvalidOperationException("The queue is not started.");

    /// <summary>What the SMTP side would tell the queue: hold a <see cref="InboundActivity.Receiving"/> scope to pose as a message being received.</summary>
    public InboundActivity Inbound { get; } = new();

    /// <summary>A harness with a fresh database; <paramref name="configure"/> adjusts the test options.</summary>
    public static async Task<DeliveryHarness> CreateAsync(PostgresFixture postgres, Action<DeliveryOptions>? configure = null)
    {
        var name = "delivery_" + Guid.NewGuid().ToString("N")[..12];
        var dataSource = await postgres.CreateDatabaseAsync(name);
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "og-delivery-" + name)).FullName;
        var options = new DeliveryOptions
        {
            SinkDirectory = Path.Combine(root, "sink"),
            Parallelism = 4,
            RetryInitialDelay = TimeSpan.FromMilliseconds(300),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            RetryJitter = 0.1,
            PollInterval = TimeSpan.FromMilliseconds(200),
            LeaseDuration = TimeSpan.FromSeconds(30),
            ServerName = "relay.test",
        };
        configure?.Invoke(options);
        return new DeliveryHarness(dataSource, options, root);
    }

    /// <summary>A second relay node on the same database and spool (its own queue and lease owner).</summary>
    public DeliveryHarness SecondNode() => new(DataSource, Options, Root, ownsDatabase: false);

    /// <summary>Options for a smarthost on loopback without TLS.</summary>
    public static SmarthostOptions Loopback(int port, int maxConnections = 2) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Tls = SmtpTlsMode.None,
        MaxConnections = maxConnections,
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    public async Task StartAsync()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var errors = new DeliveryOptionsValidator().Validate(null, Options);
        if (errors.Failed)
        {
            throw new OptionsValidationException("test", typeof(DeliveryOptions), errors.Failures);
        }

        var sink = new SinkRoute(options, TimeProvider.System, NullLogger<SinkRoute>.Instance);
        _router = new DeliveryRouter(options, sink, TimeProvider.System, NullLogger<DeliveryRouter>.Instance);
        // The node's notification hub, as the host runs it: NOTIFY from another node wakes the queue.
        _hub = new NotificationHub(DataSource, Microsoft.Extensions.Options.Options.Create(new NotificationHubOptions()), TimeProvider.System, NullLogger<NotificationHub>.Instance);
        await _hub.StartAsync(CancellationToken.None);
        _queue = new DeliveryQueue(Repository, options, _router, new RecordingFeedback(Feedback), TimeProvider.System, NullLogger<DeliveryQueue>.Instance, hub: _hub, inbound: Inbound)
        {
            ShutdownGrace = TimeSpan.FromSeconds(5),
        };
        await _queue.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the queue as the host does on shutdown.</summary>
    public async Task StopAsync()
    {
        if (_queue is not null)
        {
            await _queue.StopAsync(CancellationToken.None);
            _queue.Dispose();
            _queue = null;
        }

        if (_hub is not null)
        {
            await _hub.StopAsync(CancellationToken.None);
            _hub.Dispose();
            _hub = null;
        }

        if (_router is not null)
        {
            await _router.DisposeAsync();
            _router = null;
        }
    }

    /// <summary>Spools a message as the SMTP side does: content file (fsynced), then the 'queued' row.</summary>
    public async Task<Guid> SpoolAsync(string from, string[] recipients, byte[] content, string route = "default", string? dsnRet = null,
        string[]? notify = null, long? accountId = null, string subject = "test", TimeSpan? age = null, string state = "queued")
    {
        var id = Guid.NewGuid();
        var path = Path.Combine(SpoolDirectory, id.ToString("N") + ".eml");
        await using (var file = new FileStream(path, FileMode.CreateNew))
        {
            await file.WriteAsync(content);
            file.Flush(flushToDisk: true);
        }

        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO messages (id, account_id, session_id, client_ip, envelope_from, recipients, dsn_ret, recipient_notify,
                                  size_octets, spool_path, subject, state, route, next_attempt_at, received_at)
            VALUES (@Id, @AccountId, 'test-session', '127.0.0.1', @From, @Recipients, @DsnRet, @Notify,
                    @Size, @Path, @Subject, @State, @Route, now(), now() - @Age)
            """, new { Id = id, AccountId = accountId, From = from, Recipients = recipients, DsnRet = dsnRet, Notify = notify, Size = (long)content.Length, Path = path, Subject = subject, State = state, Route = route, Age = age ?? TimeSpan.Zero });
        _queue?.Notify();
        return id;
    }

    public async Task<long> CreateAccountAsync(string address)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var tenant = await connection.ExecuteScalarAsync<long>("INSERT INTO tenants (domain) VALUES (@Domain) RETURNING id", new { Domain = address.Split('@')[1] + Guid.NewGuid().ToString("N")[..6] });
        return await connection.ExecuteScalarAsync<long>("INSERT INTO accounts (tenant_id, address) VALUES (@Tenant, @Address) RETURNING id", new { Tenant = tenant, Address = address });
    }

    public async Task<MessageRow> RowAsync(Guid id)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<MessageRow>("""
            SELECT id AS Id, state AS State, attempts AS Attempts, envelope_from AS EnvelopeFrom, recipients AS Recipients,
                   coalesce(pending_recipients, recipients) AS Pending, failed_recipients AS Failed, spool_path AS SpoolPath,
                   route AS Route, account_id AS AccountId, bounce_of AS BounceOf, spool_removed_at IS NOT NULL AS SpoolRemoved, last_reply AS LastReply
            FROM messages WHERE id = @Id
            """, new { Id = id });
    }

    public async Task<IReadOnlyList<MessageRow>> RowsAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<MessageRow>("""
            SELECT id AS Id, state AS State, attempts AS Attempts, envelope_from AS EnvelopeFrom, recipients AS Recipients,
                   coalesce(pending_recipients, recipients) AS Pending, failed_recipients AS Failed, spool_path AS SpoolPath,
                   route AS Route, account_id AS AccountId, bounce_of AS BounceOf, spool_removed_at IS NOT NULL AS SpoolRemoved, last_reply AS LastReply
            FROM messages ORDER BY received_at
            """)).ToList();
    }

    public async Task<IReadOnlyList<AttemptRow>> AttemptsAsync(Guid id)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<AttemptRow>("""
            SELECT recipient AS Recipient, outcome AS Outcome, reply_code AS Code, reply_text AS Text, route AS Route, account_id AS AccountId
            FROM delivery_attempts WHERE message_id = @Id ORDER BY id
            """, new { Id = id })).ToList();
    }

    /// <summary>Waits (polling the database) until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<MessageRow>, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var rows = await RowsAsync();
            if (condition(rows))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what ?? "the condition"}; rows: " +
                    string.Join("; ", rows.Select(r => $"{r.Id:N} {r.State} attempts={r.Attempts} last={r.LastReply}")));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> rows are in <paramref name="state"/> (a light query, for load tests).</summary>
    public async Task WaitForStateCountAsync(string state, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        await using var connection = await DataSource.OpenConnectionAsync();
        long current;
        while ((current = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE state = @State", new { State = state })) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {count} messages in state {state}; there are {current}.");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (!_ownsDatabase)
        {
            return;
        }

        await DataSource.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class RecordingFeedback(ConcurrentQueue<(long?, Guid, int, string, string)> replies) : IDownstreamFeedback
    {
        public void OnReply(long? accountId, Guid messageId, int code, string text, string outcome, string? recipient) => replies.Enqueue((accountId, messageId, code, text, outcome));
    }
}
