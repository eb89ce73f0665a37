using System.Globalization;
using System.Text;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Admin.Audit;

/// <summary>Audit entries as CSV (RFC 4180): one header line, then at, actor, action, target, reason, details per entry.</summary>
public static class AuditCsv
{
    /// <summary>The file's text; a value that starts like a spreadsheet formula is prefixed with an apostrophe so opening the file runs nothing.</summary>
    public static string Write(IEnumerable<AuditEntry> entries)
    {
        var sb = new StringBuilder("at,actor,action,target,reason,details\r\n");
        foreach (var e in entries)
        {
            sb.Append(e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
              .Append(Field(e.Actor)).Append(',').Append(Field(e.Action)).Append(',').Append(Field(e.Target)).Append(',')
              .Append(Field(e.Reason)).Append(',').Append(Field(e.Details)).Append("\r\n");
        }

        return sb.ToString();
    }

    private static string Field(string? value)
    {
        var v = value ?? "";
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            v = "'" + v;
        }

        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }
}
