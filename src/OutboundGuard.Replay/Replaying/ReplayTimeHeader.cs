using System.Globalization;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// The header that carries a message's captured time to a relay in replay-clock mode
/// (<c>OutboundGuard:Testing:ReplayClock</c>): ISO 8601 with offset, e.g. <c>2026-03-02T09:15:00.250+00:00</c>.
/// </summary>
public static class ReplayTimeHeader
{
    public const string Name = "X-OutboundGuard-Replay-Time";

    public static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public static bool TryParse(string? value, out DateTimeOffset time)
        => DateTimeOffset.TryParse(value?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
