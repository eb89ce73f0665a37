using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Security;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> against the stored key hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRepository keys)
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

        var principal = AdminAuth.Principal(record.Name, record.Role, "apikey:" + record.Name, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>401 with the challenges, so a client learns how to authenticate (RFC 9110 §15.5.2).</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
        AdminAuth.AddChallenges(Response);
        return Task.CompletedTask;
    }

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
