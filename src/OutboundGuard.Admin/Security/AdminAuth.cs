using System.Security.Claims;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>Names of the authentication schemes and authorization policies of the review surface.</summary>
public static class AdminAuth
{
    /// <summary>Picks the API-key scheme when a key is presented, else the sign-in cookie.</summary>
    public const string Scheme = "OutboundGuard";
    public const string CookieScheme = "OutboundGuard.Cookie";
    public const string ApiKeyScheme = "OutboundGuard.ApiKey";

    /// <summary>Any signed-in role may read.</summary>
    public const string CanView = "og.view";

    /// <summary>Operators and admins act on accounts and mail.</summary>
    public const string CanOperate = "og.operate";

    /// <summary>Admins manage tenants, keys and settings.</summary>
    public const string CanAdminister = "og.admin";

    /// <summary>
    /// The <c>WWW-Authenticate</c> challenges of a 401 from the API (RFC 9110 §11.6.1): a key as a Bearer token
    /// (RFC 6750) or in the <c>X-Api-Key</c> header.
    /// </summary>
    public static readonly string[] Challenges = ["Bearer realm=\"OutboundGuard\"", "ApiKey realm=\"OutboundGuard\", header=\"X-Api-Key\""];

    /// <summary>Adds <see cref="Challenges"/> to a 401 response.</summary>
    public static void AddChallenges(Microsoft.AspNetCore.Http.HttpResponse response)
    {
        response.Headers.WWWAuthenticate = new Microsoft.Extensions.Primitives.StringValues(Challenges);
    }

    /// <summary>The claim holding the actor written to the audit log ("user:alice", "apikey:ci").</summary>
    public const string ActorClaim = "og:actor";

    /// <summary>Who did it, as the audit log records it.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(ActorClaim) ?? "unknown";

    /// <summary>The principal's role (viewer, operator or admin).</summary>
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? AdminRoles.Viewer;

    /// <summary>The claim holding a signed-in person's user id, checked against the users table on every request.</summary>
    public const string UserIdClaim = "og:uid";

    /// <summary>A signed-in person's principal, carrying their user id.</summary>
    public static ClaimsPrincipal Principal(AdminUser user)
    {
        var principal = Principal(user.Name, user.Role, "user:" + user.Name, CookieScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(UserIdClaim, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return principal;
    }

    /// <summary>A principal for a person or a key.</summary>
    public static ClaimsPrincipal Principal(string name, string role, string actor, string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(ActorClaim, actor)], scheme, ClaimTypes.Name, ClaimTypes.Role));
}
