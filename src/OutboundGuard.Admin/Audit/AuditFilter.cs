using System.Globalization;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Admin.Audit;

/// <summary>The audit search's query-string filters, read the same way by the API and the web UI.</summary>
public static class AuditFilter
{
    /// <summary>Builds the query; false with the field and the problem when a time is not ISO 8601.</summary>
    public static bool TryParse(string? target, string? actor, string? action, string? q, string? from, string? to, out AuditQuery query, out (string Field, string Problem) error)
    {
        query = new AuditQuery();
        error = default;
        DateTimeOffset? start = null, end = null;
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (!DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var f))
            {
                error = ("from", $"'{from}' is not a time (ISO 8601, such as 2026-01-31T08:00Z).");
                return false;
            }

            start = f;
        }

        if (!string.IsNullOrWhiteSpace(to))
        {
            if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                error = ("to", $"'{to}' is not a time (ISO 8601, such as 2026-01-31T18:00Z).");
                return false;
            }

            end = t;
        }

        query = new AuditQuery(Trim(target), Trim(actor), Trim(action), Trim(q), start, end);
        return true;
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
