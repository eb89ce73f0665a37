using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OutboundGuard.Replay.Replaying;

/// <summary>How fast a burst is replayed: at its captured pace, compressed by a factor, or as fast as the server takes it.</summary>
/// <param name="Factor">How many times faster than captured; 1 for captured, <see cref="double.PositiveInfinity"/> for fast.</param>
public readonly record struct ReplayPace(double Factor)
{
    /// <summary>Each message at its captured offset.</summary>
    public static ReplayPace Captured { get; } = new(1);

    /// <summary>No waiting between messages (bounded only by concurrency).</summary>
    public static ReplayPace Fast { get; } = new(double.PositiveInfinity);

    /// <summary>When a message captured at <paramref name="offsetMs"/> is due, counted from the replay's start.</summary>
    public TimeSpan DueAfter(long offsetMs) => double.IsPositiveInfinity(Factor) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(offsetMs / Factor);

    /// <summary>Parses <c>captured</c>, <c>compressed:N</c> (N &gt; 0, e.g. 60 for a minute per second) or <c>fast</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ReplayPace? pace)
    {
        pace = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "captured":
                pace = Captured;
                return true;
            case "fast":
                pace = Fast;
                return true;
            case { } t when t.StartsWith("compressed:", StringComparison.Ordinal)
                            && double.TryParse(t["compressed:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var factor)
                            && factor > 0 && double.IsFinite(factor):
                pace = new ReplayPace(factor);
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => Factor switch
    {
        1 => "captured",
        double.PositiveInfinity => "fast",
        _ => string.Create(CultureInfo.InvariantCulture, $"compressed:{Factor}"),
    };
}
