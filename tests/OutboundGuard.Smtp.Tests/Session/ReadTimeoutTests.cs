using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp.Tests.Session;

public class ReadTimeoutTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _shutdown = new();

    private ReadTimeout Create() => new(_time, _closed.Token, _shutdown.Token);

    [Fact]
    public void A_read_is_cancelled_when_its_timeout_passes_and_not_before()
    {
        using var timeout = Create();
        var token = timeout.Start(TimeSpan.FromSeconds(300), includeShutdown: false);
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(token.IsCancellationRequested);
        Assert.True(timeout.TimedOut);
    }

    [Fact]
    public void Each_read_gets_its_own_full_timeout()
    {
        using var timeout = Create();
        for (var i = 0; i < 5; i++)
        {
            var token = timeout.Start(TimeSpan.FromSeconds(10), includeShutdown: false);
            _time.Advance(TimeSpan.FromSeconds(9));
            Assert.False(token.IsCancellationRequested);
            timeout.Stop();
        }

        // The stopped reads' timers never fire later.
        var last = timeout.Start(TimeSpan.FromSeconds(10), includeShutdown: false);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(last.IsCancellationRequested);
    }

    [Fact]
    public void A_deadline_already_past_cancels_the_read_at_once()
    {
        using var timeout = Create();
        var token = timeout.Start(TimeSpan.Zero, includeShutdown: false);
        Assert.True(token.IsCancellationRequested);
        Assert.True(timeout.TimedOut);
    }

    [Fact]
    public void Closing_the_connection_cancels_the_read_and_is_not_a_timeout()
    {
        using var timeout = Create();
        var token = timeout.Start(TimeSpan.FromSeconds(300), includeShutdown: false);
        _closed.Cancel();
        Assert.True(token.IsCancellationRequested);
        Assert.False(timeout.TimedOut);
    }

    [Fact]
    public void Shutdown_cancels_idle_reads_only()
    {
        using var timeout = Create();
        var busy = timeout.Start(TimeSpan.FromSeconds(300), includeShutdown: false);
        _shutdown.Cancel();
        Assert.False(busy.IsCancellationRequested);
        timeout.Stop();

        var idle = timeout.Start(TimeSpan.FromSeconds(300), includeShutdown: true);
        Assert.True(idle.IsCancellationRequested);
        Assert.False(timeout.TimedOut);
    }

    [Fact]
    public void After_a_cancelled_read_the_next_read_starts_uncancelled()
    {
        using var timeout = Create();
        timeout.Start(TimeSpan.FromSeconds(1), includeShutdown: false);
        _time.Advance(TimeSpan.FromSeconds(1));
        timeout.Stop();

        var next = timeout.Start(TimeSpan.FromSeconds(1), includeShutdown: false);
        Assert.False(next.IsCancellationRequested);
        Assert.False(timeout.TimedOut);
    }

    [Fact]
    public void With_the_system_clock_the_same_token_serves_every_read()
    {
        using var timeout = new ReadTimeout(TimeProvider.System, _closed.Token, _shutdown.Token);
        var first = timeout.Start(TimeSpan.FromMinutes(5), includeShutdown: false);
        timeout.Stop();
        var second = timeout.Start(TimeSpan.FromMinutes(5), includeShutdown: true);
        Assert.Equal(first, second);
        _shutdown.Cancel();
        Assert.True(second.IsCancellationRequested);
    }
}
