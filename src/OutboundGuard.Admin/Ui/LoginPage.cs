using System.Text;
using Microsoft.AspNetCore.Http;
using static OutboundGuard.Admin.Ui.Html;

namespace OutboundGuard.Admin.Ui;

/// <summary>The sign-in page.</summary>
internal static class LoginPage
{
    public static IResult Render(string? returnUrl, string? error, int status = 200)
    {
        var sb = new StringBuilder("<h1>Sign in</h1>");
        if (error is not null)
        {
            sb.Append("<p class=\"error\" id=\"error\">").Append(E(error)).Append("</p>");
        }

        sb.Append("<form method=\"post\" action=\"/login\" class=\"box\" style=\"max-width:320px\">").Append(TokenPlaceholder)
          .Append(Hidden("returnUrl", returnUrl ?? "/"))
          .Append("<p><label>Name<br><input type=\"text\" id=\"name\" name=\"name\" required autofocus autocomplete=\"username\"></label></p>")
          .Append("<p><label>Password<br><input type=\"password\" id=\"password\" name=\"password\" required autocomplete=\"current-password\"></label></p>")
          .Append("<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>");
        return Page("Sign in", null, sb.ToString(), status);
    }
}
