using System.Globalization;
using System.Text;
using OutboundGuard.Storage.Activity;

namespace OutboundGuard.Admin.Ui;

/// <summary>A bar chart of messages per time bucket as inline SVG (no script, no external files): grey all, red flagged.</summary>
internal static class SvgChart
{
    /// <param name="buckets">Counts per bucket (missing buckets are zero).</param>
    /// <param name="from">First bucket's start.</param>
    /// <param name="step">Bucket width.</param>
    /// <param name="count">Number of buckets.</param>
    /// <param name="label">The accessible name of the chart.</param>
    /// <param name="mark">A moment to mark with a vertical line (the incident), or null.</param>
    public static string Render(IReadOnlyList<VolumeBucket> buckets, DateTimeOffset from, TimeSpan step, int count, string label, DateTimeOffset? mark = null)
    {
        const int width = 720, height = 160, top = 10, bottom = 20;
        var byStart = buckets.ToDictionary(b => b.Bucket.UtcTicks);
        var max = Math.Max(1, buckets.Count == 0 ? 1 : buckets.Max(b => b.Total));
        var bar = (double)width / count;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Html.E(label)}\" viewBox=\"0 0 {width} {height + bottom}\" width=\"100%\" style=\"max-width:{width}px;background:#fff;border:1px solid #e5e7eb\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"12\" font-size=\"10\" fill=\"#6b7280\">max {max}</text>");
        for (var i = 0; i < count; i++)
        {
            var start = from + (step * i);
            if (!byStart.TryGetValue(start.UtcTicks, out var b))
            {
                continue;
            }

            var h = (double)b.Total / max * (height - top);
            var f = (double)b.Flagged / max * (height - top);
            var x = i * bar;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{height - h:0.#}\" width=\"{Math.Max(1, bar - 1):0.#}\" height=\"{h:0.#}\" fill=\"#9ca3af\"><title>{Html.Time(start)}: {b.Total} messages, {b.Flagged} flagged</title></rect>");
            if (b.Flagged > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{height - f:0.#}\" width=\"{Math.Max(1, bar - 1):0.#}\" height=\"{f:0.#}\" fill=\"#dc2626\"/>");
            }
        }

        if (mark is { } m && m >= from && m <= from + (step * count))
        {
            var x = (m - from) / step * bar;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"0\" y2=\"{height}\" stroke=\"#111\" stroke-dasharray=\"4 2\"/>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{height + 14}\" font-size=\"10\" fill=\"#6b7280\">{Html.E(Html.Time(from))}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width}\" y=\"{height + 14}\" font-size=\"10\" fill=\"#6b7280\" text-anchor=\"end\">{Html.E(Html.Time(from + (step * count)))}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Truncates to the bucket start (minute or hour) in UTC.</summary>
    public static DateTimeOffset Floor(DateTimeOffset t, TimeSpan step) => new(t.UtcTicks - (t.UtcTicks % step.Ticks), TimeSpan.Zero);
}
