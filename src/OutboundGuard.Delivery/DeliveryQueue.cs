using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Delivery.Bounces;
using OutboundGuard.Delivery.Routes;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Delivery;

/// <summary>
/// The outbound queue: claims due spool rows in batches (several relay nodes can share one database),
/// delivers them with bounded parallelism over their route, records every downstream reply, retries with
/// backoff, bounces what fails for good and moves each message to a final state ('delivered', 'bounced',
/// 'failed'). The host calls <see cref="Notify"/> after it queues a message so delivery starts at once;
/// otherwise the queue looks every <see cref="DeliveryOptions.PollInterval"/>. Inbound first: while the SMTP side
/// is receiving messages (<see cref="InboundActivity"/>) it delivers with fewer slots
/// (<see cref="DeliveryOptions.InboundFirstParallelism"/>) until a message has waited
/// <see cref="DeliveryOptions.InboundFirstMaxWait"/> for its first attempt; then it fills every slot, once a second while
/// that lasts. Claims take a fair share of accounts in turn (<see cref="FairShare"/>). An attempt counts against the
/// slots while it transfers; once the route has its reply the slot is free for the next claim while the attempt is
/// recorded (a commit that waits for its WAL flush), so connections do not idle behind records; at most as many
/// attempts again may be recording at once. While paced, an attempt counts until it is recorded.
/// </summary>
public sealed partial class DeliveryQueue : BackgroundService
{
    /// <summary>How often a paced queue looks at the age of what waits (<see cref="BacklogTooOldAsync"/>).</summary>
    private static readonly TimeSpan BacklogCheckInterval = TimeSpan.FromSeconds(1);

    private readonly FileSpool? _spool;
    private readonly OrphanSpoolSweep? _orphans;
    private readonly MessageQueueRepository _repository;
    private readonly NotificationHub? _hub;
    private readonly InboundActivity? _inbound;
    private readonly DeliveryOptions _options;
    private readonly DeliveryRouter _router;
    private readonly DsnBuilder _dsn;
    private readonly IDownstreamFeedback _feedback;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryQueue> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<Guid, Task> _inFlight = [];
    private readonly HashSet<Guid> _transferring = [];
    private readonly Lock _inFlightLock = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _routeSuccessWritten = new(StringComparer.Ordinal);

    private readonly FairShare _fairShare;

    // Inbound-first pacing: the next claim fills every slot (a top-up); when a top-up was last logged; the last claim was
    // paced and full; when the backlog was last looked at.
    private volatile bool _topUp;
    private long _lastTopUpLog;
    private volatile bool _pacedFull;
    private long _lastBacklogCheck;

    internal DeliveryQueue(MessageQueueRepository repository, IOptions<DeliveryOptions> options, DeliveryRouter router, IDownstreamFeedback feedback, TimeProvider time, ILogger<DeliveryQueue> logger,
        FileSpool? spool = null, NotificationHub? hub = null, InboundActivity? inbound = null)
    {
        _hub = hub;
        _inbound = inbound;
        _spool = spool;
        _orphans = spool is null ? null : new OrphanSpoolSweep(spool.Directory, repository, time, logger);
        _repository = repository;
        _options = options.Value;
        _router = router;
        _feedback = feedback;
        _time = time;
        _logger = logger;
        _dsn = new DsnBuilder(_options, time);
        _fairShare = new FairShare(_options.FairShare);
        LeaseOwner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>This queue's lease owner name (node, process, instance), as stored in messages.lease_owner.</summary>
    public string LeaseOwner { get; }

    /// <summary>How long in-flight deliveries may finish after a stop is requested before they are cut off. Defaults to 20 s.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Wakes the queue at once (the host calls it after inserting a 'queued' row). Cheap and thread-safe. While the
    /// deliveries in flight leave no room to claim, nothing is woken: the delivery that makes room wakes the queue.
    /// </summary>
    public void Notify()
    {
        if (HasRoomToClaim(Busy()))
        {
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Counts by state, age of the oldest pending message and per-route health (for metrics and the admin API).</summary>
    public Task<QueueStatus> GetStatusAsync(CancellationToken cancellationToken = default) => _repository.GetStatusAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.QueueStarted(_logger, LeaseOwner, _options.Parallelism, _router.Describe());
        var lastRenewal = _time.GetTimestamp();
        var lastCleanup = 0L;
        var lastOrphanSweep = 0L;
        // Rows queued by any node wake the queue at once; after a reconnect, rows queued meanwhile are claimed at once too.
        if (_inbound is not null)
        {
            _inbound.Quiet += OnInboundQuiet;
        }

        using var subscription = _hub?.Subscribe(NotificationChannels.Queued, _ => Notify(), _ =>
        {
            Notify();
            return Task.CompletedTask;
        });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var claimedFull = await ClaimAndStartAsync(stoppingToken).ConfigureAwait(false);
                    if (await BacklogTooOldAsync(stoppingToken).ConfigureAwait(false))
                    {
                        // Topping up: the next claim fills every slot.
                        continue;
                    }

                    if (_time.GetElapsedTime(lastRenewal) >= _options.LeaseDuration / 3)
                    {
                        await _repository.RenewLeasesAsync(LeaseOwner, InFlightIds(), _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                        lastRenewal = _time.GetTimestamp();
                    }

                    if (lastCleanup == 0 || _time.GetElapsedTime(lastCleanup) >= _options.PollInterval)
                    {
                        await RemoveSpoolFilesAsync(stoppingToken).ConfigureAwait(false);
                        lastCleanup = _time.GetTimestamp();
                    }

                    if (_orphans is not null && (lastOrphanSweep == 0 || _time.GetElapsedTime(lastOrphanSweep) >= OrphanSpoolSweep.Interval))
                    {
                        lastOrphanSweep = _time.GetTimestamp();
                        await _orphans.SweepAsync(stoppingToken).ConfigureAwait(false);
                    }

                    if (claimedFull && HasRoomToClaim(Busy()))
                    {
                        // A full batch and room for more: there may be more due rows right now.
                        continue;
                    }

                    await WaitAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception exception)
                {
                    // The database is unreachable or similar: nothing is lost (rows stay due), try again later.
                    Log.QueueLoopFailed(_logger, exception);
                    try
                    {
                        await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            if (_inbound is not null)
            {
                _inbound.Quiet -= OnInboundQuiet;
            }

            await DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The slots deliveries may use now: all of them, or while messages are being received, the inbound-first share.</summary>
    private int Slots()
        => _inbound is null || _topUp || _inbound.MessagesReceiving == 0 ? _options.Parallelism : _options.EffectiveInboundFirstParallelism;

    /// <summary>
    /// While paced and all of the paced slots are busy, looks (at most once a second) whether a message has waited
    /// the longest allowed for its first attempt; if so the next claim fills every slot. A claim alone cannot
    /// tell: while paced there is no room to claim what waits.
    /// </summary>
    private async Task<bool> BacklogTooOldAsync(CancellationToken stoppingToken)
    {
        if (_topUp || Slots() == _options.Parallelism || Busy().InFlight < Slots() || _time.GetElapsedTime(_lastBacklogCheck) < BacklogCheckInterval)
        {
            return false;
        }

        _lastBacklogCheck = _time.GetTimestamp();
        var oldest = await _repository.OldestWaitingFirstAttemptAsync(stoppingToken).ConfigureAwait(false);
        var waited = oldest is { } at ? _time.GetUtcNow().UtcDateTime - at : TimeSpan.Zero;
        if (waited < _options.InboundFirstMaxWait)
        {
            return false;
        }

        TopUp(waited);
        return true;
    }

    /// <summary>
    /// A first attempt waited <paramref name="waited"/>, the longest allowed: the next claim fills every slot. Logged at
    /// most once a minute (a saturated relay tops up every second).
    /// </summary>
    private void TopUp(TimeSpan waited)
    {
        if (_lastTopUpLog == 0 || _time.GetElapsedTime(_lastTopUpLog) >= TimeSpan.FromMinutes(1))
        {
            _lastTopUpLog = _time.GetTimestamp();
            Log.DeliveryToppingUp(_logger, waited.TotalSeconds);
        }

        _topUp = true;
    }

    /// <summary>The SMTP side went quiet: when the pacing held deliveries back, claim the rest now.</summary>
    private void OnInboundQuiet()
    {
        if (_pacedFull)
        {
            Notify();
        }
    }

    /// <summary>Claims as many due messages as there are free delivery slots and starts them. True when the batch was full.</summary>
    private async Task<bool> ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var busy = Busy();
        // The slots are read once: the SMTP side may start or finish receiving meanwhile.
        var slots = Slots();
        if (!HasRoomToClaim(busy, slots))
        {
            return false;
        }

        var free = Free(busy, slots);

        var fair = _fairShare.Next(free);
        var claimed = await _repository.ClaimDueAsync(LeaseOwner, free, _options.LeaseDuration, _options.MaxQueueLifetime, stoppingToken, fair, _fairShare.After).ConfigureAwait(false);
        _fairShare.Note(claimed);
        NotePacing(claimed.Count == free, slots < _options.Parallelism);
        foreach (var message in claimed)
        {
            lock (_inFlightLock)
            {
                _transferring.Add(message.Id);
                _inFlight[message.Id] = RunAttemptAsync(message);
            }
        }

        return claimed.Count == free;
    }

    /// <summary>Inbound-first bookkeeping after a claim: whether it was paced and full, and a top-up is used by the claim that had it.</summary>
    private void NotePacing(bool full, bool paced)
    {
        _pacedFull = paced && full;
        _topUp = false;
    }

    private async Task RunAttemptAsync(QueuedMessage message)
    {
        await Task.Yield();
        try
        {
            await AttemptAsync(message, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // AttemptAsync records its own failures; reaching this means recording failed. The lease expires and the message is retried.
            Log.RecordingFailed(_logger, message.Id, exception);
        }
        finally
        {
            bool room;
            lock (_inFlightLock)
            {
                _transferring.Remove(message.Id);
                _inFlight.Remove(message.Id);
                room = HasRoomToClaim(BusyLocked());
            }

            // Enough slots are free: look for more work. Fewer wake nothing, as the loop would claim nothing.
            if (room)
            {
                _wake.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>The attempt's transfer is over (the route replied, or it never started): its slot is free while it is recorded.</summary>
    private void EndTransfer(Guid id)
    {
        bool room;
        lock (_inFlightLock)
        {
            room = _transferring.Remove(id) && HasRoomToClaim(BusyLocked());
        }

        if (room)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>
    /// Whether the queue claims with these attempts in flight: when none transfers, or when an eighth of the slots is free
    /// (a batch per statement rather than a statement per freed slot; a claim commits without a WAL flush, so small
    /// batches are cheap); while paced (inbound first), half of its few slots. Never while as many attempts again as
    /// there are slots are still being recorded (the database is slow): they finish first.
    /// </summary>
    private bool HasRoomToClaim((int Transferring, int InFlight) busy) => HasRoomToClaim(busy, Slots());

    /// <summary>As the overload without slots, for a number of slots read once by the caller.</summary>
    private bool HasRoomToClaim((int Transferring, int InFlight) busy, int slots)
    {
        var free = Free(busy, slots);
        var batch = slots < _options.Parallelism ? slots / 2 : slots / 8;
        return free > 0 && (Occupied(busy, slots) == 0 || free >= Math.Max(1, batch));
    }

    /// <summary>Attempts the queue may start now: free slots, bounded by the room left for attempts being recorded.</summary>
    private int Free((int Transferring, int InFlight) busy, int slots)
        => Math.Min(slots - Occupied(busy, slots), (2 * _options.Parallelism) - busy.InFlight);

    /// <summary>
    /// The slots in use: the attempts transferring; while paced (inbound first), every attempt until it is recorded, so
    /// the customers' sessions keep the CPU that the records' freed slots would give to more deliveries.
    /// </summary>
    private int Occupied((int Transferring, int InFlight) busy, int slots)
        => slots < _options.Parallelism ? busy.InFlight : busy.Transferring;

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.PollInterval);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Poll interval passed.
        }
    }

    private async Task DrainAsync()
    {
        Task[] running;
        lock (_inFlightLock)
        {
            running = [.. _inFlight.Values];
        }

        if (running.Length > 0)
        {
            // Let running transfers finish (cutting one off after DATA was sent could deliver it twice); then cut off.
            var all = Task.WhenAll(running);
            if (await Task.WhenAny(all, Task.Delay(ShutdownGrace, _time)).ConfigureAwait(false) != all)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
            }
        }

        Log.QueueStopped(_logger, running.Length);
    }

    /// <summary>Attempts transferring, and all attempts in flight (transferring or being recorded).</summary>
    private (int Transferring, int InFlight) Busy()
    {
        lock (_inFlightLock)
        {
            return BusyLocked();
        }
    }

    private (int Transferring, int InFlight) BusyLocked() => (_transferring.Count, _inFlight.Count);

    private Guid[] InFlightIds()
    {
        lock (_inFlightLock)
        {
            return [.. _inFlight.Keys];
        }
    }

    private async Task RemoveSpoolFilesAsync(CancellationToken cancellationToken)
    {
        var files = await _repository.GetSpoolFilesToRemoveAsync(_options.SpoolRetention, 500, cancellationToken).ConfigureAwait(false);
        var removed = new List<Guid>(files.Count);
        foreach (var (id, path) in files)
        {
            if (TryDeleteSpoolFile(path))
            {
                removed.Add(id);
            }
        }

        await _repository.MarkSpoolRemovedAsync(removed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a file the row no longer needs (kept for reuse by the relay's spool when it keeps files).</summary>
    private bool TryDeleteSpoolFile(string path)
    {
        try
        {
            if (_spool is null)
            {
                File.Delete(path);
            }
            else
            {
                _spool.Remove(path);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.SpoolRemoveFailed(_logger, path, exception);
            return false;
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }
}
