namespace OutboundGuard.Smtp.Session;

/// <summary>
/// When an in-memory table of per-client or per-account counts is swept: only once it holds
/// <see cref="Threshold"/> entries or more, at most once a minute, and by one caller at a time, so that a large table
/// never makes each refusal a scan. Thread-safe.
/// </summary>
public sealed class SweepGate(TimeProvider time)
{
    /// <summary>Entries a table holds before it is swept at all.</summary>
    public const int Threshold = 10_000;

    private long _last;

    /// <summary>True for the one caller that should sweep a table of <paramref name="count"/> entries now.</summary>
    public bool TryEnter(int count, long now)
    {
        var last = Interlocked.Read(ref _last);
        return count >= Threshold && time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1)
               && Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}
