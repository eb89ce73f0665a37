using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>
/// Ends a UI session whose person was removed, disabled or given another role since signing in: every request with the
/// sign-in cookie checks its user id, name and role against <c>admin_users</c> (one indexed look-up), so a removal takes
/// effect at the removed person's next click on any node, not when the cookie expires.
/// </summary>
internal static class SessionCheck
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var stands = principal?.FindFirstValue(AdminAuth.UserIdClaim) is { } id
            && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && principal.Identity?.Name is { } name
            && await context.HttpContext.RequestServices.GetRequiredService<AdminUserRepository>()
                .SessionStandsAsync(userId, name, principal.Role(), context.HttpContext.RequestAborted);
        if (!stands)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AdminAuth.CookieScheme);
        }
    }
}
