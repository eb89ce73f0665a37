using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> against the stored key hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRepository keys,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>Whether the request presents a key (and so is for this scheme).</summary>
    public static bool Presents(Microsoft.AspNetCore.Http.HttpRequest request) => TryGetKey(request, out _);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryGetKey(Request, out var key))
        {
            return AuthenticateResult.NoResult();
        }

        var record = await keys.FindByKeyAsync(key, Context.RequestAborted);
        if (record is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        if (record.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            Context.Items[ExpiredItem] = record;
            return AuthenticateResult.Fail("Expired API key.");
        }

        var principal = AdminAuth.Principal(record.Name, record.Role, "apikey:" + record.Name, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>401 with the challenges, so a client learns how to authenticate (RFC 9110 §15.5.2).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
        AdminAuth.AddChallenges(Response);
        if (Context.Items[ExpiredItem] is ApiKeyRecord expired)
        {
            // Says why, so a script's owner knows to ask for a new key rather than suspect the key was mistyped.
            await Context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>().WriteAsync(new Microsoft.AspNetCore.Http.ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized,
                    Title = "API key expired",
                    Detail = $"The API key '{expired.Name}' ({expired.KeyPrefix}…) expired at {expired.ExpiresAt.GetValueOrDefault().UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; an admin can create a new one (apikeys create).",
                },
            });
        }
    }

    private const string ExpiredItem = "og.apikey.expired";

    private static bool TryGetKey(Microsoft.AspNetCore.Http.HttpRequest request, out string key)
    {
        key = "";
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header.ToString()))
        {
            key = header.ToString().Trim();
            return true;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
            return key.Length > 0;
        }

        return false;
    }
}
