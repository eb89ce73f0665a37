using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/apikeys: API keys with their role and expiry (as <c>outboundguard apikeys</c>); admins only.</summary>
public static class ApiKeysApi
{
    /// <summary>A key as listed: never the key itself, only its first characters.</summary>
    public sealed record ApiKeyView(string Name, string Role, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string Status);

    /// <summary>A created key: <see cref="Key"/> is shown this once and stored only as a hash.</summary>
    public sealed record CreatedApiKey(ApiKeyView Record, string Key);

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/apikeys").WithTags("API keys").RequireAuthorization(AdminAuth.CanAdminister);
        group.MapGet("/", ListAsync).WithSummary("Keys with role, expiry and status (live, expired, revoked)");
        group.MapPost("/", CreateAsync).WithSummary("Create a key, optionally expiring (expires: 30d, 12h or a date); the key is in the reply only");
        group.MapDelete("/{name}", RevokeAsync).WithSummary("Revoke a key");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyView>>> ListAsync(ApiKeyRepository keys, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<ApiKeyView>>((await keys.ListAsync(cancellationToken)).Select(k => View(k, now)).ToList());
    }

    public static async Task<Results<Created<CreatedApiKey>, ValidationProblem, Conflict<ProblemDetails>>> CreateAsync(CreateApiKeyRequest request, ApiKeyRepository keys, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            return ApiValidation.Problem("name", "The key name must have 1 to 100 characters.");
        }

        if (request.Role is null || !AdminRoles.IsValid(request.Role))
        {
            return ApiValidation.Problem("role", $"'{request.Role}' is not a role; expected viewer, operator or admin.");
        }

        var now = time.GetUtcNow();
        DateTimeOffset? expiresAt = null;
        if (!string.IsNullOrWhiteSpace(request.Expires))
        {
            if (!ApiKeyExpiry.TryParse(request.Expires, now, out var at, out var problem))
            {
                return ApiValidation.Problem("expires", problem!);
            }

            expiresAt = at;
        }

        try
        {
            var (record, key) = await keys.CreateAsync(request.Name, request.Role, expiresAt, user.Actor(), cancellationToken);
            return TypedResults.Created($"/api/apikeys/{Uri.EscapeDataString(record.Name)}", new CreatedApiKey(View(record, now), key));
        }
        catch (DuplicateNameException e)
        {
            return TypedResults.Conflict(new ProblemDetails { Title = "Name taken", Detail = e.Message, Status = StatusCodes.Status409Conflict });
        }
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>>> RevokeAsync(string name, ApiKeyRepository keys, ClaimsPrincipal user, CancellationToken cancellationToken)
        => await keys.RevokeAsync(name, user.Actor(), cancellationToken) ? TypedResults.NoContent() : ApiValidation.NotFound($"No live API key named '{name}'.");

    private static ApiKeyView View(ApiKeyRecord k, DateTimeOffset now) => new(k.Name, k.Role, k.KeyPrefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.StatusAt(now));
}
