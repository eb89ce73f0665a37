using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace OutboundGuard.Admin.Alerts;

/// <summary>The hourly digest of the alerts folded beyond the day's budget: one webhook body, one e-mail.</summary>
public sealed record AlertDigest(string Event, int Count, DateTimeOffset At, IReadOnlyList<AccountAlert> Alerts)
{
    public static AlertDigest Of(IReadOnlyList<AccountAlert> alerts, DateTimeOffset at) => new("alerts.digest", alerts.Count, at, alerts);

    [JsonIgnore]
    public string Subject => string.Create(CultureInfo.InvariantCulture, $"[OutboundGuard] {Count} account alert(s) over today's alert budget");

    [JsonIgnore]
    public string Text
    {
        get
        {
            var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{Count} account(s) changed state after today's alert budget was spent; each was not alerted on its own:\n\n"));
            foreach (var a in Alerts)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- {a.At:yyyy-MM-dd HH:mm:ss} UTC {a.Account} (tenant {a.Tenant}) {a.ToState} by {a.Actor}: {a.Reason}\n");
            }

            return sb.ToString();
        }
    }
}
