using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OutboundGuard.Admin.Ui;

/// <summary>
/// A page: a Razor component rendered on the server (static, no circuit, no script but confirmation prompts),
/// sent with headers that keep it out of caches and frames and allow nothing from elsewhere.
/// </summary>
internal static class UiPage
{
    /// <summary>Renders <typeparamref name="TPage"/> with <paramref name="parameters"/> (an anonymous object or null).</summary>
    public static IResult Render<TPage>(object? parameters = null, int status = StatusCodes.Status200OK) where TPage : IComponent
        => new Secured(new RazorComponentResult<TPage>(parameters ?? new { }) { StatusCode = status, ContentType = "text/html; charset=utf-8" });

    private sealed class Secured(IResult page) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            // What antiforgery sets on every page with a form; anything else it overrides, with a warning in the log per page.
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";
            return page.ExecuteAsync(httpContext);
        }
    }
}
