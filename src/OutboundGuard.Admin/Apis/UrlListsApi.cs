using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Lists;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/url-lists: the URL block and allow lists (registrable domains), stored and applied to scoring on every node.</summary>
public static class UrlListsApi
{
    /// <summary>The lists in force after a refresh.</summary>
    public sealed record RefreshResult(int Blocked, int Allowed);

    public static RouteGroupBuilder MapUrlListsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/url-lists").WithTags("URL lists").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Both lists, or one (?list=block|allow)");
        group.MapPost("/{list}", AddAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Add a domain to the block or allow list");
        group.MapDelete("/{list}/{domain}", RemoveAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Remove a domain (reason in the query)");
        group.MapPost("/refresh", RefreshAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Reload the lists into this node's scoring now");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<UrlListEntry>>, ValidationProblem>> ListAsync(UrlListRepository lists, string? list, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await lists.ListAsync(list is null ? null : UrlListRepository.CheckList(list), cancellationToken));
        }
        catch (ArgumentException e)
        {
            return ApiValidation.Problem("list", e.Message);
        }
    }

    public static async Task<Results<Ok<UrlListEntry>, ValidationProblem>> AddAsync(string list, UrlListRequest request, UrlListRepository lists, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        string checkedList;
        try
        {
            checkedList = UrlListRepository.CheckList(list);
        }
        catch (ArgumentException e)
        {
            return ApiValidation.Problem("list", e.Message);
        }

        if (string.IsNullOrWhiteSpace(request.Domain))
        {
            return ApiValidation.Problem("domain", "The domain is required.");
        }

        string domain;
        try
        {
            domain = await lists.AddAsync(checkedList, request.Domain, request.Reason, user.Actor(), cancellationToken);
        }
        catch (ArgumentException e)
        {
            return ApiValidation.Problem("domain", e.Message);
        }

        return TypedResults.Ok((await lists.ListAsync(checkedList, cancellationToken)).Single(e => e.Domain == domain));
    }

    public static async Task<Results<NoContent, ValidationProblem, NotFound<ProblemDetails>>> RemoveAsync(string list, string domain, string? reason, UrlListRepository lists, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            if (!await lists.RemoveAsync(list, domain, reason, user.Actor(), cancellationToken))
            {
                return ApiValidation.NotFound($"{domain} is not on the {list} list.");
            }
        }
        catch (ArgumentException e)
        {
            return ApiValidation.Problem(e.ParamName == "list" ? "list" : "domain", e.Message);
        }

        return TypedResults.NoContent();
    }

    public static async Task<Ok<RefreshResult>> RefreshAsync(UrlListService service, CancellationToken cancellationToken)
    {
        var (blocked, allowed) = await service.RefreshAsync(cancellationToken);
        return TypedResults.Ok(new RefreshResult(blocked, allowed));
    }
}
