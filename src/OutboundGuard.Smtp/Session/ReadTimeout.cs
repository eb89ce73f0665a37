namespace OutboundGuard.Smtp.Session;

/// <summary>
/// The token for the session's reads, one at a time: cancelled when the read's timeout passes, when the connection
/// closes or, for idle reads, when the server shuts down. One <see cref="CancellationTokenSource"/> with its
/// <see cref="TimeProvider"/> timer serves every read (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>,
/// then <see cref="CancellationTokenSource.TryReset"/>), and closing and shutdown are watched by one registration
/// each for the whole session: a source, a timer and a linked source per read would be three allocations, a timer
/// queue insertion and three registrations for every line the client sends. A source that cannot be reset (it was
/// cancelled, or its timer is not the system's, as in tests) is replaced. The token is only ever given to the
/// session's own pipe reads, which leave no registration behind.
/// </summary>
internal sealed class ReadTimeout : IDisposable
{
    private const int NotCancelled = 0;
    private const int ByClosing = 1;
    private const int ByShutdown = 2;
    private const int ByEndRequest = 3;

    private readonly TimeProvider _time;
    private readonly CancellationToken _closed;
    private readonly CancellationToken _shutdown;
    private readonly CancellationTokenRegistration _onClosed;
    private readonly CancellationTokenRegistration _onShutdown;
    private CancellationTokenSource _source;

    private readonly Lock _gate = new();

    /// <summary>The source of the read in progress, while closing, shutdown or a past deadline may still cancel it.</summary>
    private CancellationTokenSource? _running;

    /// <summary>The source being cancelled by <see cref="Cancel"/>, which must not be reset for reuse.</summary>
    private CancellationTokenSource? _cancelling;
    private volatile bool _watchShutdown;
    private volatile bool _watchEndRequest;
    private volatile bool _endRequested;
    private volatile int _cause;

    public ReadTimeout(TimeProvider time, CancellationToken closed, CancellationToken shutdown)
    {
        _time = time;
        _closed = closed;
        _shutdown = shutdown;
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _onClosed = closed.UnsafeRegister(static state => ((ReadTimeout)state!).Cancel(ByClosing), this);
        _onShutdown = shutdown.UnsafeRegister(static state =>
        {
            var timeout = (ReadTimeout)state!;
            if (timeout._watchShutdown)
            {
                timeout.Cancel(ByShutdown);
            }
        }, this);
    }

    /// <summary>Whether the read in progress was cancelled because its timeout passed (not by closing or shutdown).</summary>
    public bool TimedOut => _cause == NotCancelled && _source.IsCancellationRequested;

    /// <summary>Whether the read in progress was cancelled by <see cref="RequestEnd"/>.</summary>
    public bool EndRequested => _cause == ByEndRequest;

    /// <summary>
    /// Asks the session to end (its account was suspended): the read in progress is cancelled if it watches for that,
    /// and so is every such read started from now on. Reads that do not watch (message content) are left to finish.
    /// Thread-safe; called from outside the session.
    /// </summary>
    public void RequestEnd()
    {
        _endRequested = true;
        if (_watchEndRequest)
        {
            Cancel(ByEndRequest);
        }
    }

    /// <summary>
    /// Starts a read: returns its token. <paramref name="includeShutdown"/>: whether shutdown cancels it too;
    /// <paramref name="includeEndRequest"/>: whether <see cref="RequestEnd"/> does.
    /// </summary>
    public CancellationToken Start(TimeSpan timeout, bool includeShutdown, bool includeEndRequest = false)
    {
        _cause = NotCancelled;
        _watchShutdown = includeShutdown;
        _watchEndRequest = includeEndRequest;
        var source = _source;
        lock (_gate)
        {
            _running = source;
        }

        if (_closed.IsCancellationRequested)
        {
            Cancel(ByClosing);
        }
        else if (includeShutdown && _shutdown.IsCancellationRequested)
        {
            Cancel(ByShutdown);
        }
        else if (includeEndRequest && _endRequested)
        {
            Cancel(ByEndRequest);
        }
        else if (timeout <= TimeSpan.Zero)
        {
            // Already past: cancelled now, as a source created with a zero delay is, not by a timer a moment later.
            Cancel(NotCancelled);
        }
        else
        {
            source.CancelAfter(timeout);
        }

        return source.Token;
    }

    /// <summary>Ends the read started last: its timer stops and the token is ready for the next read.</summary>
    public void Stop()
    {
        _watchShutdown = false;
        _watchEndRequest = false;
        lock (_gate)
        {
            _running = null;
            if (_cancelling != _source && _source.TryReset())
            {
                return;
            }

            // Cancelled or being cancelled, or a timer that cannot be stopped for sure (a test clock's): the next
            // read gets a new source. The old one is left to the collector, not disposed: closing or shutdown
            // may be cancelling it right now.
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
            _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            _cancelling = null;
        }
    }

    public void Dispose()
    {
        _onClosed.Dispose();
        _onShutdown.Dispose();
        _source.Dispose();
    }

    /// <summary>Cancels the read in progress, if any, once: Stop may already have ended it.</summary>
    private void Cancel(int cause)
    {
        CancellationTokenSource source;
        lock (_gate)
        {
            if (_running is null)
            {
                return;
            }

            source = _running;
            _running = null;
            _cancelling = source;
            _cause = cause;
        }

        // Outside the lock: cancelling runs the read's continuation, possibly on this very thread.
        source.Cancel();
    }
}
