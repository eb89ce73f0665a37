using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using OutboundGuard.Admin.Security;

namespace OutboundGuard.Admin.Ui;

/// <summary>Server-rendered HTML: every value through <see cref="E"/>, one layout, forms with the antiforgery token. No script but a confirmation prompt.</summary>
internal static class Html
{
    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
        header{background:#1f2937;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
        header a{color:#e5e7eb;text-decoration:none}header .who{margin-left:auto;color:#9ca3af}
        main{padding:16px;max-width:1200px}h1{font-size:20px}h2{font-size:16px;margin-top:24px}
        table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
        .state-suspended{color:#b91c1c;font-weight:600}.state-throttled{color:#b45309;font-weight:600}.state-active{color:#15803d;font-weight:600}
        .box{background:#fff;border:1px solid #e5e7eb;padding:8px 12px;margin:8px 0}
        pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #e5e7eb;padding:8px;max-height:400px;overflow:auto}
        form.inline{display:inline-block;margin:4px 8px 4px 0;padding:8px;border:1px solid #e5e7eb;background:#fff}
        input[type=text],input[type=password],select{padding:4px}.notice{background:#ecfdf5;border:1px solid #10b981;padding:8px}
        .error{background:#fef2f2;border:1px solid #ef4444;padding:8px}.muted{color:#6b7280}
        """;

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Url(string text) => Uri.EscapeDataString(text);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "";

    public static string StateBadge(string state) => $"<span class=\"state-{E(state)}\">{E(state)}</span>";

    /// <summary>The page around <paramref name="body"/>; <paramref name="user"/> null for the sign-in page.</summary>
    public static IResult Page(string title, ClaimsPrincipal? user, string body, int status = 200)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        sb.Append("<title>").Append(E(title)).Append(" — OutboundGuard</title><style>").Append(Style).Append("</style></head><body><header><strong>OutboundGuard</strong>");
        if (user?.Identity?.IsAuthenticated == true)
        {
            sb.Append("<a href=\"/\">Dashboard</a><a href=\"/quarantine\">Quarantine</a><a href=\"/audit\">Audit log</a>");
            sb.Append("<span class=\"who\">").Append(E(user.Identity.Name)).Append(" (").Append(E(user.Role())).Append(")</span>");
            sb.Append("<form method=\"post\" action=\"/logout\" style=\"margin:0\">").Append(TokenPlaceholder).Append("<button type=\"submit\">Sign out</button></form>");
        }

        sb.Append("</header><main>").Append(body).Append("</main></body></html>");
        return new HtmlResult(sb.ToString(), status);
    }

    /// <summary>Replaced by the request's antiforgery field when the page is written.</summary>
    public const string TokenPlaceholder = "<!--og-antiforgery-->";

    /// <summary>A POST form with the antiforgery token, a required reason and a confirmation prompt.</summary>
    public static string ActionForm(string action, string label, string confirm, string hidden = "", bool reason = true, string extra = "")
    {
        var sb = new StringBuilder();
        sb.Append("<form class=\"inline\" method=\"post\" action=\"").Append(E(action)).Append("\" onsubmit=\"return confirm('").Append(E(confirm.Replace("'", "’", StringComparison.Ordinal))).Append("')\">");
        sb.Append(TokenPlaceholder).Append(hidden).Append(extra);
        if (reason)
        {
            sb.Append("<input type=\"text\" name=\"reason\" required maxlength=\"2000\" placeholder=\"Reason (required)\" size=\"32\"> ");
        }

        sb.Append("<button type=\"submit\">").Append(E(label)).Append("</button></form>");
        return sb.ToString();
    }

    public static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";

    /// <summary>Writes the page with the request's antiforgery token in every form.</summary>
    private sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var page = html;
            if (page.Contains(TokenPlaceholder, StringComparison.Ordinal))
            {
                var antiforgery = (IAntiforgery)httpContext.RequestServices.GetService(typeof(IAntiforgery))!;
                var tokens = antiforgery.GetAndStoreTokens(httpContext);
                page = page.Replace(TokenPlaceholder, $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">", StringComparison.Ordinal);
            }

            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.XFrameOptions = "DENY";
            httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";
            return httpContext.Response.WriteAsync(page, httpContext.RequestAborted);
        }
    }
}
