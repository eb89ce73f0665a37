using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using OutboundGuard.Storage.Audit;
using static OutboundGuard.Admin.Ui.Html;

namespace OutboundGuard.Admin.Ui;

/// <summary>The audit log: who did what to which target, when and why; filter by target.</summary>
internal static class AuditPage
{
    public static async Task<IResult> RenderAsync(string? target, ClaimsPrincipal user, AuditLogRepository audit, CancellationToken cancellationToken)
    {
        var rows = await audit.ListAsync(string.IsNullOrWhiteSpace(target) ? null : target.Trim(), 300, cancellationToken);
        var sb = new StringBuilder("<h1>Audit log</h1><form method=\"get\" action=\"/audit\"><input type=\"text\" name=\"target\" placeholder=\"Target (account, message id, fingerprint)\" size=\"40\" value=\"")
            .Append(E(target)).Append("\"> <button type=\"submit\">Filter</button></form>");
        sb.Append("<table id=\"audit\"><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Why</th><th>Details</th></tr>");
        foreach (var e in rows)
        {
            sb.Append("<tr><td>").Append(Time(e.At)).Append("</td><td>").Append(E(e.Actor)).Append("</td><td>").Append(E(e.Action)).Append("</td><td>")
              .Append(E(e.Target)).Append("</td><td>").Append(E(e.Reason)).Append("</td><td class=\"muted\">").Append(E(e.Details)).Append("</td></tr>");
        }

        sb.Append("</table>");
        return Page("Audit log", user, sb.ToString());
    }
}
