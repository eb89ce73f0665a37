using System.Globalization;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// The progress display on stderr: a bar redrawn in place on a terminal, otherwise a line every 10 % or
/// every 10 seconds, so CI logs stay short. Thread-safe.
/// </summary>
public sealed class ReplayProgress(TextWriter output, bool interactive, int total, TimeProvider? timeProvider = null)
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private int _done, _accepted, _deferred, _rejected, _failed;
    private long _lastDraw = (timeProvider ?? TimeProvider.System).GetTimestamp();
    private int _lastDecile;

    public void Report(SendResult result)
    {
        lock (_lock)
        {
            _done++;
            switch (result.Outcome)
            {
                case SendOutcome.Accepted: _accepted++; break;
                case SendOutcome.Deferred: _deferred++; break;
                case SendOutcome.Rejected: _rejected++; break;
                case SendOutcome.Failed: _failed++; break;
                default: break;
            }

            var now = _time.GetTimestamp();
            if (interactive)
            {
                if (_time.GetElapsedTime(_lastDraw, now) >= TimeSpan.FromMilliseconds(100) || _done == total)
                {
                    output.Write("\r" + Bar());
                    _lastDraw = now;
                }
            }
            else
            {
                var decile = total == 0 ? 10 : _done * 10 / total;
                if (decile > _lastDecile || _time.GetElapsedTime(_lastDraw, now) >= TimeSpan.FromSeconds(10))
                {
                    output.WriteLine(Line());
                    _lastDecile = decile;
                    _lastDraw = now;
                }
            }
        }
    }

    /// <summary>Ends the bar's line.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (interactive)
            {
                output.WriteLine("\r" + Bar());
            }
        }
    }

    private string Bar()
    {
        const int Width = 30;
        var filled = total == 0 ? Width : _done * Width / total;
        return $"[{new string('#', filled)}{new string('.', Width - filled)}] {Line()}";
    }

    private string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{_done}/{total} sent: {_accepted} accepted, {_deferred} deferred, {_rejected} rejected, {_failed} failed");
}
