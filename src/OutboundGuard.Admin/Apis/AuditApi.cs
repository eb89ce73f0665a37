using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/audit: the append-only audit log, read-only.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Latest entries, newest first, optionally for one target (an account address, message id, fingerprint, domain)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem>> ListAsync(AuditLogRepository audit, string? target, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 5000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 5000.");
        }

        return TypedResults.Ok(await audit.ListAsync(string.IsNullOrWhiteSpace(target) ? null : target.Trim(), limit ?? 100, cancellationToken));
    }
}
