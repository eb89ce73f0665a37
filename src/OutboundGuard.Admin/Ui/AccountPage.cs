using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using OutboundGuard.Admin.Apis;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using static OutboundGuard.Admin.Ui.Html;

namespace OutboundGuard.Admin.Ui;

/// <summary>One account: state, evidence in words, volume per minute around the incident, sample held mail, and the actions.</summary>
internal static class AccountPage
{
    public static async Task<IResult> RenderAsync(string address, string? done, ClaimsPrincipal user, AccountEvidence evidence, AccountRepository accounts, ActivityRepository activity, TimeProvider time, CancellationToken cancellationToken)
    {
        var detail = await evidence.GetAsync(address, cancellationToken);
        var record = await accounts.FindAsync(address, cancellationToken);
        if (detail is null || record is null)
        {
            return Page("Not found", user, $"<h1>No account {E(address)}</h1>", 404);
        }

        var a = detail.Account;
        var history = await accounts.HistoryAsync(record.Id, 20, cancellationToken);
        var incident = history.FirstOrDefault(h => h.ToState is "suspended" or "throttled")?.ChangedAt ?? time.GetUtcNow();
        var from = SvgChart.Floor(incident, TimeSpan.FromMinutes(1)).AddMinutes(-30);
        var volume = await activity.PerMinuteAsync(from, from.AddMinutes(45), record.Id, cancellationToken);

        var sb = new StringBuilder();
        sb.Append("<h1 id=\"account\">").Append(E(a.Address)).Append("</h1>");
        sb.Append(UiNotices.Banner(done));

        sb.Append("<div class=\"box\"><p>State: <span id=\"state\">").Append(StateBadge(a.State)).Append("</span>");
        if (a.StateReason is not null)
        {
            sb.Append(" — <span id=\"state-reason\">").Append(E(a.StateReason)).Append("</span>");
        }

        if (a.ThrottledUntil is { } until && a.State == "throttled")
        {
            sb.Append(" until ").Append(Time(until));
        }

        sb.Append("</p><p>Tenant ").Append(E(a.Tenant)).Append(", created ").Append(Time(a.CreatedAt));
        if (a.CredentialResetRequired)
        {
            sb.Append(". <strong>A new password is required before it may send.</strong>");
        }

        sb.Append("</p><p class=\"muted\">Messages: ").Append(E(string.Join(", ", detail.MessageCounts.Select(kv => $"{kv.Value} {kv.Key}")))).Append("</p></div>");

        if (user.IsInRole(Storage.Admin.AdminRoles.Operator) || user.IsInRole(Storage.Admin.AdminRoles.Admin))
        {
            var path = "/accounts/" + Url(a.Address) + "/action";
            sb.Append("<h2>Decide</h2><div id=\"actions\">");
            sb.Append(ActionForm(path, "Review: hijacked", $"Mark {a.Address} as hijacked: reinstate with a required password reset, delete its held mail, block its fingerprints?", Hidden("action", "review") + Hidden("decision", "hijacked")));
            sb.Append(ActionForm(path, "Review: abusive", $"Mark {a.Address} as abusive: keep suspended, delete held mail, block its fingerprints?", Hidden("action", "review") + Hidden("decision", "abusive")));
            sb.Append(ActionForm(path, "Review: false alarm", $"Mark {a.Address} as a false alarm: reinstate and release its held mail?", Hidden("action", "review") + Hidden("decision", "false_alarm")));
            sb.Append("<br>");
            if (a.State != "active")
            {
                sb.Append("<span id=\"reinstate\">").Append(ActionForm(path, "Reinstate", $"Reinstate {a.Address}?", Hidden("action", "reinstate"))).Append("</span>");
            }

            if (a.State != "suspended")
            {
                sb.Append(ActionForm(path, "Suspend", $"Suspend {a.Address}?", Hidden("action", "suspend")));
            }

            sb.Append(ActionForm(path, "Require new password", $"Require a new password for {a.Address}?", Hidden("action", "credential-reset")));
            sb.Append("</div>");
        }

        sb.Append("<h2>Messages per minute around the incident</h2>").Append(SvgChart.Render(volume, from, TimeSpan.FromMinutes(1), 45, "Messages per minute around the incident", incident));

        sb.Append("<h2>Evidence</h2><table id=\"timeline\"><tr><th>When</th><th>What</th><th>Evidence</th></tr>");
        foreach (var t in detail.Timeline)
        {
            sb.Append("<tr class=\"").Append(E(t.Kind)).Append("\"><td>").Append(Time(t.At)).Append("</td><td>").Append(E(t.Text)).Append("</td><td>");
            if (t.Evidence.Count > 0)
            {
                sb.Append("<ul>");
                foreach (var e in t.Evidence)
                {
                    sb.Append("<li>").Append(E(e)).Append("</li>");
                }

                sb.Append("</ul>");
            }

            sb.Append("</td></tr>");
        }

        sb.Append("</table>");

        sb.Append("<h2>Held mail (").Append(detail.Held.Count).Append(")</h2>");
        if (detail.Held.Count == 0)
        {
            sb.Append("<p class=\"muted\">None.</p>");
        }
        else
        {
            sb.Append("<table><tr><th>Received</th><th>Subject</th><th>To</th><th>Why held</th></tr>");
            foreach (var m in detail.Held.Take(10))
            {
                sb.Append("<tr><td>").Append(Time(m.ReceivedAt)).Append("</td><td><a href=\"/quarantine/").Append(m.Id).Append("\">").Append(E(m.Subject ?? "(no subject)"))
                  .Append("</a></td><td>").Append(E(string.Join(", ", m.Recipients.Take(3)))).Append(m.Recipients.Count > 3 ? " …" : "").Append("</td><td>").Append(E(m.Reason)).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<p><a href=\"/audit?target=").Append(E(Url(a.Address))).Append("\">Audit log of this account</a></p>");
        return Page(a.Address, user, sb.ToString());
    }
}
