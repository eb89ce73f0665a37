using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Admin;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/signin/failures: failed web UI sign-ins per user name and client address, and clearing them (admins only, audited).</summary>
public static class SignInApi
{
    public static RouteGroupBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/signin/failures").WithTags("Sign-in").RequireAuthorization(AdminAuth.CanAdminister);
        group.MapGet("/", ListAsync).WithSummary("Names and addresses with failed sign-ins in the last day, and until when each must wait");
        group.MapDelete("/{name}", ClearAsync).WithSummary("Clear a name's failures (from one address with ?address=, else from all), so it may sign in at once; audited");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<SignInFailure>>> ListAsync(SignInFailureRepository failures, TimeProvider time, CancellationToken cancellationToken)
        => TypedResults.Ok(await failures.ListAsync(time.GetUtcNow().AddDays(-1), cancellationToken));

    public static async Task<Results<Ok<IReadOnlyList<string>>, ValidationProblem, NotFound<ProblemDetails>>> ClearAsync(
        string name, string? address, string? reason, SignInFailureRepository failures, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(reason) is { } problem)
        {
            return problem;
        }

        if (!string.IsNullOrWhiteSpace(address) && !System.Net.IPAddress.TryParse(address.Trim(), out _))
        {
            return ApiValidation.Problem("address", $"'{address}' is not an IP address.");
        }

        var parsed = string.IsNullOrWhiteSpace(address) ? null : SignInThrottle.Address(System.Net.IPAddress.Parse(address.Trim()));
        var cleared = await failures.ClearAsync(name, parsed, user.Actor(), reason!.Trim(), cancellationToken);
        return cleared.Count == 0 ? ApiValidation.NotFound($"No failed sign-ins for '{name}'{(parsed is null ? "" : " from " + parsed)}.") : TypedResults.Ok(cleared);
    }
}
