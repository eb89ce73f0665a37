using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/users: the people who sign in to the web UI (as <c>outboundguard users</c>); admins only.</summary>
public static class UsersApi
{
    /// <summary>A user as listed: never the password hash.</summary>
    public sealed record UserView(string Name, string Role, bool Disabled, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(AdminAuth.CanAdminister);
        group.MapGet("/", ListAsync).WithSummary("People who sign in to the web UI, with role and status");
        group.MapDelete("/{name}", RemoveAsync).WithSummary("Remove a user (reason in the query): their sessions end; never yourself nor the last admin");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<UserView>>> ListAsync(AdminUserRepository users, CancellationToken cancellationToken)
        => TypedResults.Ok<IReadOnlyList<UserView>>((await users.ListAsync(cancellationToken)).Select(u => new UserView(u.Name, u.Role, u.Disabled, u.CreatedAt)).ToList());

    /// <summary>Removes a user (<see cref="AdminUserRepository.RemoveAsync"/>): 409 for yourself or the last admin, 404 for no such user.</summary>
    public static async Task<Results<NoContent, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RemoveAsync(string name, string? reason, AdminUserRepository users, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(reason) is { } problem)
        {
            return problem;
        }

        var self = user.FindFirst(AdminAuth.UserIdClaim) is null ? null : user.Identity?.Name;
        return await users.RemoveAsync(name, self, reason!.Trim(), user.Actor(), cancellationToken) switch
        {
            UserRemovalOutcome.Removed => TypedResults.NoContent(),
            UserRemovalOutcome.Self => Refused("You cannot remove yourself; another admin can."),
            UserRemovalOutcome.LastAdmin => Refused($"{name} is the last admin who can sign in; add another admin first."),
            _ => ApiValidation.NotFound($"No user {name}."),
        };
    }

    private static Conflict<ProblemDetails> Refused(string detail)
        => TypedResults.Conflict(new ProblemDetails { Title = "User not removed", Detail = detail, Status = StatusCodes.Status409Conflict });
}
