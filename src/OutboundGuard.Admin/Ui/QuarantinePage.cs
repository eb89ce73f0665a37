using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Quarantine;
using static OutboundGuard.Admin.Ui.Html;

namespace OutboundGuard.Admin.Ui;

/// <summary>Held mail: the list with bulk release/delete, and one message shown safely (headers, text, HTML as escaped source).</summary>
internal static class QuarantinePage
{
    private static bool CanOperate(ClaimsPrincipal user) => user.IsInRole(AdminRoles.Operator) || user.IsInRole(AdminRoles.Admin);

    public static async Task<IResult> ListAsync(string? done, ClaimsPrincipal user, QuarantineRepository quarantine, CancellationToken cancellationToken)
    {
        var rows = await quarantine.ListAsync(limit: 500, cancellationToken: cancellationToken);
        var sb = new StringBuilder("<h1>Quarantine</h1>");
        sb.Append(UiNotices.Banner(done));

        sb.Append("<p>").Append(rows.Count).Append(" held message(s).</p>");
        if (rows.Count == 0)
        {
            return Page("Quarantine", user, sb.ToString());
        }

        var operate = CanOperate(user);
        if (operate)
        {
            sb.Append("<form method=\"post\" action=\"/quarantine/bulk\" onsubmit=\"return confirm('Apply to the selected messages?')\">").Append(TokenPlaceholder);
        }

        sb.Append("<table><tr><th></th><th>Received</th><th>Account</th><th>Subject</th><th>Recipients</th><th>Why held</th></tr>");
        foreach (var m in rows)
        {
            sb.Append("<tr><td>").Append(operate ? $"<input type=\"checkbox\" name=\"ids\" value=\"{m.Id}\">" : "").Append("</td><td>").Append(Time(m.ReceivedAt))
              .Append("</td><td>").Append(m.Address is null ? "" : $"<a href=\"/accounts/{E(Url(m.Address))}\">{E(m.Address)}</a>")
              .Append("</td><td><a href=\"/quarantine/").Append(m.Id).Append("\">").Append(E(m.Subject ?? "(no subject)")).Append("</a></td><td>")
              .Append(m.Recipients.Length).Append("</td><td>").Append(E(m.VerdictReason)).Append("</td></tr>");
        }

        sb.Append("</table>");
        if (operate)
        {
            sb.Append("<p><select name=\"action\"><option value=\"release\">Release to delivery</option><option value=\"delete\">Delete</option></select> ")
              .Append("<input type=\"text\" name=\"reason\" required maxlength=\"2000\" placeholder=\"Reason (required)\" size=\"32\"> <button type=\"submit\">Apply to selected</button></p></form>");
        }

        return Page("Quarantine", user, sb.ToString());
    }

    public static async Task<IResult> MessageAsync(Guid id, ClaimsPrincipal user, QuarantineRepository quarantine, CancellationToken cancellationToken)
    {
        if (await quarantine.FindAsync(id, cancellationToken) is not { } m)
        {
            return Page("Not found", user, $"<h1>No message {id}</h1>", 404);
        }

        var view = await MessageReader.ViewAsync(m.SpoolPath, cancellationToken);
        var sb = new StringBuilder("<h1>").Append(E(m.Subject ?? "(no subject)")).Append("</h1>");
        sb.Append("<div class=\"box\"><p>State ").Append(E(m.State)).Append(", received ").Append(Time(m.ReceivedAt)).Append(" from ")
          .Append(m.Address is null ? E(m.EnvelopeFrom) : $"<a href=\"/accounts/{E(Url(m.Address))}\">{E(m.Address)}</a>").Append(", ")
          .Append(m.SizeOctets).Append(" octets, to ").Append(E(string.Join(", ", m.Recipients))).Append("</p>");
        if (m.VerdictReason is not null)
        {
            sb.Append("<p>Held because: ").Append(E(m.VerdictReason)).Append("</p>");
        }

        if (view.Fingerprint is not null)
        {
            sb.Append("<p class=\"muted\">Body fingerprint ").Append(E(view.Fingerprint)).Append("</p>");
        }

        sb.Append("</div>");
        if (m.State == "quarantined" && CanOperate(user))
        {
            sb.Append(ActionForm($"/quarantine/{id}/action", "Release to delivery", "Release this message to delivery?", Hidden("action", "release")));
            sb.Append(ActionForm($"/quarantine/{id}/action", "Delete", "Delete this message?", Hidden("action", "delete")));
        }

        if (view.Unreadable is not null)
        {
            sb.Append("<p class=\"error\">").Append(E(view.Unreadable)).Append("</p>");
        }

        sb.Append("<h2>Headers</h2><table>");
        foreach (var (name, value) in view.Headers)
        {
            sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        sb.Append("</table><h2>Text</h2><pre id=\"text\">").Append(E(view.Text)).Append("</pre>");
        if (view.HtmlSource is not null)
        {
            sb.Append("<h2>HTML (source, not rendered)</h2><pre id=\"html-source\">").Append(E(view.HtmlSource)).Append("</pre>");
        }

        if (view.Attachments.Count > 0)
        {
            sb.Append("<h2>Attachments (not opened)</h2><ul>");
            foreach (var a in view.Attachments)
            {
                sb.Append("<li>").Append(E(a)).Append("</li>");
            }

            sb.Append("</ul>");
        }

        return Page(m.Subject ?? "Message", user, sb.ToString());
    }
}
