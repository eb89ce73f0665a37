using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/held: young accounts' borderline messages held for a rescan, each with when it is rescanned and why it is held.</summary>
public static class HoldQueueApi
{
    public static RouteGroupBuilder MapHoldQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/held").WithTags("Held queue").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Messages held for a rescan, the next rescan first, optionally of one account");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<HeldMessageView>>, NotFound<ProblemDetails>>> ListAsync(HoldQueueRepository holds, AccountRepository accounts, string? account, int? limit, CancellationToken cancellationToken)
    {
        long? accountId = null;
        if (!string.IsNullOrWhiteSpace(account))
        {
            if (await accounts.FindAsync(account, cancellationToken) is not { } found)
            {
                return ApiValidation.NotFound($"No account {account}.");
            }

            accountId = found.Id;
        }

        return TypedResults.Ok(await holds.ListAsync(accountId, Math.Clamp(limit ?? 200, 1, 5000), cancellationToken));
    }
}
