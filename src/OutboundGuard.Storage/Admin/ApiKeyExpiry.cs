using System.Globalization;

namespace OutboundGuard.Storage.Admin;

/// <summary>
/// Reads when an API key expires, as the CLI (<c>--expires</c>) and the API (<c>expires</c>) take it: a span from now
/// (<c>30d</c>, <c>12h</c>, <c>90m</c>) or a date (<c>2027-01-31</c>, midnight UTC) or date-time with an offset
/// (<c>2027-01-31T18:00:00Z</c>). One rule for both entry points.
/// </summary>
public static class ApiKeyExpiry
{
    /// <summary>The longest expiry a span may give: 10 years.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(3650);

    /// <summary>The expiry, or a sentence saying what is wrong with <paramref name="text"/>.</summary>
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset expiresAt, out string? problem)
    {
        expiresAt = default;
        problem = null;
        text = text.Trim();
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]) && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                'd' when amount <= MaxSpan.TotalDays => TimeSpan.FromDays(amount),
                'h' when amount <= MaxSpan.TotalHours => TimeSpan.FromHours(amount),
                'm' when amount <= MaxSpan.TotalMinutes => TimeSpan.FromMinutes(amount),
                _ => null,
            };
            if (span is not { } s || s <= TimeSpan.Zero)
            {
                problem = $"'{text}' is not a usable span: give 1 to {MaxSpan.TotalDays:0} days as Nd, or hours as Nh, or minutes as Nm.";
                return false;
            }

            expiresAt = now + s;
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || (text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date)))
        {
            if (date <= now)
            {
                problem = $"'{text}' is not in the future.";
                return false;
            }

            expiresAt = date.ToUniversalTime();
            return true;
        }

        problem = $"'{text}' is neither a span (30d, 12h, 90m) nor a date (2027-01-31 or 2027-01-31T18:00:00Z).";
        return false;
    }
}
