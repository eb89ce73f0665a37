using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Security;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/campaigns: body fingerprints seen in held mail with the accounts involved; block and unblock (stored, applied on every node).</summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Fingerprints seen (near-identical grouped) and blocked, with the accounts that sent them");
        group.MapPost("/{fingerprint}/block", BlockAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Block a fingerprint for every account (reason required)");
        group.MapPost("/{fingerprint}/unblock", UnblockAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Lift a block (reason required)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<CampaignSummary>>, ValidationProblem>> ListAsync(CampaignService campaigns, int? hours, CancellationToken cancellationToken)
    {
        if (hours is < 1 or > 24 * 90)
        {
            return ApiValidation.Problem("hours", "hours must be between 1 and 2160.");
        }

        return TypedResults.Ok(await campaigns.ListAsync(TimeSpan.FromHours(hours ?? 72), cancellationToken));
    }

    public static Task<Results<NoContent, ValidationProblem>> BlockAsync(string fingerprint, ReasonRequest request, CampaignService campaigns, ClaimsPrincipal user, CancellationToken cancellationToken)
        => ChangeAsync(fingerprint, request, (f, r, ct) => campaigns.BlockAsync(f, r, user.Actor(), ct), cancellationToken);

    public static Task<Results<NoContent, ValidationProblem>> UnblockAsync(string fingerprint, ReasonRequest request, CampaignService campaigns, ClaimsPrincipal user, CancellationToken cancellationToken)
        => ChangeAsync(fingerprint, request, (f, r, ct) => campaigns.UnblockAsync(f, r, user.Actor(), ct), cancellationToken);

    private static async Task<Results<NoContent, ValidationProblem>> ChangeAsync(string fingerprint, ReasonRequest request, Func<string, string, CancellationToken, Task> change, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(request.Reason) is { } problem)
        {
            return problem;
        }

        try
        {
            await change(fingerprint, request.Reason!.Trim(), cancellationToken);
            return TypedResults.NoContent();
        }
        catch (FormatException e)
        {
            return ApiValidation.Problem("fingerprint", e.Message);
        }
    }
}
