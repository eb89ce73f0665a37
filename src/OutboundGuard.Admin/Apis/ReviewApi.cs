using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Review;
using OutboundGuard.Admin.Security;

namespace OutboundGuard.Admin.Apis;

/// <summary>POST /api/accounts/{address}/review: one decision (hijacked, abusive, false_alarm) that does the whole job.</summary>
public static class ReviewApi
{
    public static RouteGroupBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/accounts").WithTags("Review").RequireAuthorization(AdminAuth.CanOperate);
        group.MapPost("/{address}/review", ReviewAsync)
            .WithSummary("Decide on a suspended account: hijacked (reinstate, require a new password, delete or release held mail, block its fingerprints), abusive (keep suspended, delete held mail, block fingerprints) or false_alarm (reinstate, release held mail)");
        return group;
    }

    public static async Task<Results<Ok<ReviewOutcome>, ValidationProblem, NotFound<ProblemDetails>>> ReviewAsync(string address, ReviewRequest request, ReviewService review, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!ReviewService.TryParseDecision(request.Decision, out var decision))
        {
            return ApiValidation.Problem("decision", "The decision must be hijacked, abusive or false_alarm.");
        }

        if (ApiValidation.CheckReason(request.Reason) is { } problem)
        {
            return problem;
        }

        return await review.DecideAsync(address, decision, request.Reason!.Trim(), request.ReleaseHeld, user.Actor(), cancellationToken) is { } outcome
            ? TypedResults.Ok(outcome)
            : ApiValidation.NotFound($"No account {address}.");
    }
}
