using OutboundGuard.Storage.Activity;

namespace OutboundGuard.Admin.Ui;

/// <summary>One series of a stacked bar chart: its name in the legend, its colour and a value per bucket.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<long> Values);

/// <summary>
/// A stacked bar chart's data: buckets of <see cref="Step"/> from <see cref="From"/>, and the series stacked in each.
/// Another series (such as refused sign-in attempts per minute) is one more <see cref="ChartSeries"/> in <see cref="Series"/>.
/// </summary>
public sealed record ChartData(DateTimeOffset From, TimeSpan Step, int Count, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>
    /// Messages per bucket by what was done with them: relayed, deferred (451), held, refused (550); then the attempts
    /// refused at MAIL FROM because the account was already suspended or throttled (no message was read), when given.
    /// </summary>
    public static ChartData ByAction(IReadOnlyList<VolumeBucket> buckets, DateTimeOffset from, TimeSpan step, int count, IReadOnlyList<RefusedAttemptCount>? refused = null)
    {
        var byStart = buckets.ToDictionary(b => b.Bucket.UtcTicks);
        long[] Values(Func<VolumeBucket, long> pick) => [.. Enumerable.Range(0, count).Select(i => byStart.TryGetValue((from + (step * i)).UtcTicks, out var b) ? pick(b) : 0)];
        List<ChartSeries> series =
        [
            new ChartSeries("relayed", "#9ca3af", Values(b => b.Relayed)),
            new ChartSeries("deferred (451)", "#f59e0b", Values(b => b.Deferred)),
            new ChartSeries("held", "#7c3aed", Values(b => b.Held)),
            new ChartSeries("refused (550)", "#dc2626", Values(b => b.Refused)),
        ];
        if (refused is not null)
        {
            var attempts = refused.ToDictionary(r => r.Minute.UtcTicks, r => (long)r.Total);
            series.Add(new ChartSeries(RefusedSeries, "#1f2937", [.. Enumerable.Range(0, count).Select(i => attempts.GetValueOrDefault((from + (step * i)).UtcTicks))]));
        }

        return new ChartData(from, step, count, series);
    }

    /// <summary>The legend name of the attempts refused at MAIL FROM (suspended or throttled account).</summary>
    public const string RefusedSeries = "refused attempts (suspended or throttled)";

    /// <summary>The stacked total of bucket <paramref name="i"/>.</summary>
    public long Total(int i) => Series.Sum(s => s.Values[i]);

    /// <summary>A round top for the value axis (1, 2 or 5 × 10ⁿ) at or above the largest stack.</summary>
    public long AxisMax()
    {
        var max = Math.Max(1, Enumerable.Range(0, Count).Select(Total).DefaultIfEmpty(0).Max());
        long scale = 1;
        while (true)
        {
            foreach (var m in new long[] { 1, 2, 5 })
            {
                if (m * scale >= max)
                {
                    return m * scale;
                }
            }

            scale *= 10;
        }
    }

    /// <summary>Truncates to the bucket start (minute or hour) in UTC.</summary>
    public static DateTimeOffset Floor(DateTimeOffset t, TimeSpan step) => new(t.UtcTicks - (t.UtcTicks % step.Ticks), TimeSpan.Zero);
}
