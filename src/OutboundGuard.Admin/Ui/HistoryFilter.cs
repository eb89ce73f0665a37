using System.Globalization;
using OutboundGuard.Storage.History;

namespace OutboundGuard.Admin.Ui;

/// <summary>The history page's search as typed (times as text, shown back in the form).</summary>
public sealed record HistoryFilter(string? Account, string? Tenant, string? Sender, string? Recipient, string? Subject, string? State, string? From, string? To)
{
    /// <summary>The query, or the problem with a time that is not ISO 8601.</summary>
    public (HistoryQuery? Query, string? Problem) ToQuery()
    {
        if (!TryTime(From, out var from) || !TryTime(To, out var to))
        {
            return (null, "A time must be ISO 8601, such as 2026-01-31T08:00 (UTC).");
        }

        return (new HistoryQuery { Account = Clean(Account), Tenant = Clean(Tenant), Sender = Clean(Sender), Recipient = Clean(Recipient), Subject = Clean(Subject), State = Clean(State), From = from, To = to, Limit = 500 }, null);
    }

    private static bool TryTime(string? text, out DateTimeOffset? at)
    {
        at = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t);
        at = ok ? t : null;
        return ok;
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
