using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Complaints;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Complaints;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/complaints: the API door of the feedback-loop intake (ARF reports, RFC 5965) and the stored reports.</summary>
public static class ComplaintsApi
{
    public static RouteGroupBuilder MapComplaintsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/complaints").WithTags("Complaints").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Reports received, newest first, with whether they weigh and why");
        group.MapPost("/", ReceiveAsync).RequireAuthorization(AdminAuth.CanOperate)
            .WithSummary("Submit one ARF report (body: the report as message/rfc822); queueId names the reported message when its trace header is missing");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ComplaintRecord>>, ValidationProblem>> ListAsync(ComplaintRepository complaints, TimeProvider time, int? hours, string? account, CancellationToken cancellationToken)
    {
        if (hours is < 1 or > 24 * 90)
        {
            return ApiValidation.Problem("hours", "hours must be between 1 and 2160.");
        }

        return TypedResults.Ok(await complaints.ListAsync(time.GetUtcNow() - TimeSpan.FromHours(hours ?? 24 * 7), string.IsNullOrWhiteSpace(account) ? null : account.Trim(), 500, cancellationToken));
    }

    public static async Task<Results<Created<ComplaintRecord>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(HttpRequest request, string? queueId, ComplaintService intake,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        Guid? id = null;
        if (!string.IsNullOrWhiteSpace(queueId))
        {
            if (!Guid.TryParse(queueId.Trim(), out var parsed))
            {
                return ApiValidation.Problem("queueId", "queueId must be the relay's queue id (32 hexadecimal digits, as in \"Queued as …\").");
            }

            id = parsed;
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > intake.MaxReportSize)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Report too large",
                    detail: $"A report may have at most {intake.MaxReportSize} octets (OutboundGuard:FeedbackLoop:MaxReportSize).");
            }

            body.Write(buffer, 0, read);
        }

        if (body.Length == 0)
        {
            return ApiValidation.Problem("body", "The body must be the ARF report (RFC 5965) as a message.");
        }

        body.Position = 0;
        var (stored, problem) = await intake.ReceiveAsync(body, "api", user.Actor(), id, cancellationToken);
        return stored is null ? ApiValidation.Problem("body", problem!) : TypedResults.Created($"/api/complaints?account={stored.Account}", stored);
    }
}
