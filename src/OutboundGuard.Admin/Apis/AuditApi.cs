using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Audit;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/audit: the append-only audit log, read-only: search, and the same search as CSV.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Latest entries, newest first; filters: target (exact), actor (exact), action (prefix), q (words anywhere), from/to (ISO 8601)");
        group.MapGet("/export.csv", ExportAsync).WithSummary("The same search as CSV (at, actor, action, target, reason, details)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem>> ListAsync(AuditLogRepository audit, string? target, string? actor, string? action, string? q, string? from, string? to, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 5000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 5000.");
        }

        if (!AuditFilter.TryParse(target, actor, action, q, from, to, out var query, out var error))
        {
            return ApiValidation.Problem(error.Field, error.Problem);
        }

        return TypedResults.Ok(await audit.SearchAsync(query, limit ?? 100, cancellationToken));
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem>> ExportAsync(AuditLogRepository audit, string? target, string? actor, string? action, string? q, string? from, string? to, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100_000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 100000.");
        }

        if (!AuditFilter.TryParse(target, actor, action, q, from, to, out var query, out var error))
        {
            return ApiValidation.Problem(error.Field, error.Problem);
        }

        return Csv(await audit.SearchAsync(query, limit ?? 10_000, cancellationToken));
    }

    /// <summary>The entries as a CSV download.</summary>
    internal static ContentHttpResult Csv(IReadOnlyList<AuditEntry> entries) => TypedResults.Text(AuditCsv.Write(entries), "text/csv; charset=utf-8");
}
