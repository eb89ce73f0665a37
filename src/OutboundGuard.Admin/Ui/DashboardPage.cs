using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Spool;
using static OutboundGuard.Admin.Ui.Html;

namespace OutboundGuard.Admin.Ui;

/// <summary>The dashboard: accounts suspended and throttled now, the evidence seen most in the last 24 h, volume per hour.</summary>
internal static class DashboardPage
{
    public static async Task<IResult> RenderAsync(ClaimsPrincipal user, AccountRepository accounts, ActivityRepository activity, SpooledMessageRepository messages, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var suspended = await accounts.ListAsync(state: AccountState.Suspended, limit: 200, cancellationToken: cancellationToken);
        var throttled = await accounts.ListAsync(state: AccountState.Throttled, limit: 200, cancellationToken: cancellationToken);
        var top = await activity.TopEvidenceAsync(now.AddHours(-24), 10, cancellationToken);
        var from = SvgChart.Floor(now, TimeSpan.FromHours(1)).AddHours(-23);
        var volume = await activity.PerHourAsync(from, now.AddHours(1), cancellationToken: cancellationToken);
        var counts = await messages.CountByStateAsync(cancellationToken: cancellationToken);

        var sb = new StringBuilder("<h1 class=\"dashboard\">Dashboard</h1>");
        sb.Append("<p>").Append(suspended.Count).Append(" suspended, ").Append(throttled.Count).Append(" throttled, ")
          .Append(counts.GetValueOrDefault("quarantined")).Append(" message(s) held, ").Append(counts.GetValueOrDefault("queued") + counts.GetValueOrDefault("deferred")).Append(" queued.</p>");
        sb.Append("<h2>Messages per hour, last 24 h</h2>").Append(SvgChart.Render(volume, from, TimeSpan.FromHours(1), 24, "Messages per hour, last 24 hours"));
        AccountTable(sb, "Suspended now", suspended);
        AccountTable(sb, "Throttled now", throttled);
        sb.Append("<h2>Top evidence, last 24 h</h2>");
        if (top.Count == 0)
        {
            sb.Append("<p class=\"muted\">Nothing flagged.</p>");
        }
        else
        {
            sb.Append("<table><tr><th>Evidence</th><th>Verdicts</th></tr>");
            foreach (var (text, count) in top)
            {
                sb.Append("<tr><td>").Append(E(text)).Append("</td><td>").Append(count).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        return Page("Dashboard", user, sb.ToString());
    }

    private static void AccountTable(StringBuilder sb, string title, IReadOnlyList<AccountRecord> rows)
    {
        sb.Append("<h2>").Append(E(title)).Append("</h2>");
        if (rows.Count == 0)
        {
            sb.Append("<p class=\"muted\">None.</p>");
            return;
        }

        sb.Append("<table><tr><th>Account</th><th>Tenant</th><th>State</th><th>Why</th><th>Since</th></tr>");
        foreach (var a in rows)
        {
            sb.Append("<tr><td><a href=\"/accounts/").Append(E(Url(a.Address))).Append("\">").Append(E(a.Address)).Append("</a></td><td>")
              .Append(E(a.Tenant)).Append("</td><td>").Append(StateBadge(a.State)).Append("</td><td>").Append(E(a.StateReason))
              .Append("</td><td>").Append(Time(a.UpdatedAt)).Append("</td></tr>");
        }

        sb.Append("</table>");
    }
}
