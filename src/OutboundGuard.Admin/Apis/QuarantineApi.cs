using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Content;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Quarantine;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/quarantine: held mail — list, view safely, release to delivery, delete, bulk actions.</summary>
public static class QuarantineApi
{
    public static RouteGroupBuilder MapQuarantineApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/quarantine").WithTags("Quarantine").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Held messages, newest first, optionally of one account");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One message, safely: headers, text, HTML only as source text");
        group.MapPost("/{id:guid}/release", ReleaseAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Release to delivery (reason required)");
        group.MapPost("/{id:guid}/delete", DeleteAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Delete (reason required)");
        group.MapPost("/bulk", BulkAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Release or delete several held messages (reason required)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<HeldMessageSummary>>, NotFound<ProblemDetails>>> ListAsync(QuarantineRepository quarantine, AccountRepository accounts, string? account, int? limit, CancellationToken cancellationToken)
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

        var rows = await quarantine.ListAsync(accountId, Math.Clamp(limit ?? 200, 1, 5000), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<HeldMessageSummary>>([.. rows.Select(HeldMessageSummary.From)]);
    }

    /// <summary>A held message with its safe view.</summary>
    public sealed record HeldMessageView(HeldMessageSummary Message, MessageView Content);

    public static async Task<Results<Ok<HeldMessageView>, NotFound<ProblemDetails>>> GetAsync(Guid id, QuarantineRepository quarantine, CampaignService campaigns, IMessageContent content, CancellationToken cancellationToken)
    {
        if (await quarantine.FindAsync(id, cancellationToken) is not { } message)
        {
            return ApiValidation.NotFound($"No message {id}.");
        }

        var view = await MessageReader.ViewAsync(message.SpoolPath, content, cancellationToken);
        if (view.Fingerprint is not null && message.StateValue == MessageState.Quarantined)
        {
            await campaigns.FingerprintOfAsync(message, cancellationToken);
        }

        return TypedResults.Ok(new HeldMessageView(HeldMessageSummary.From(message), view));
    }

    /// <summary>The ids an action applied to (those still held).</summary>
    public sealed record ActionResult(string Action, IReadOnlyList<Guid> Ids);

    public static async Task<Results<Ok<ActionResult>, ValidationProblem, NotFound<ProblemDetails>>> ReleaseAsync(Guid id, ReasonRequest request, HeldMail held, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(request.Reason) is { } problem)
        {
            return problem;
        }

        var done = await held.ReleaseAsync([id], user.Actor(), request.Reason!.Trim(), cancellationToken);
        return done.Count == 0 ? ApiValidation.NotFound($"No held message {id}.") : TypedResults.Ok(new ActionResult("release", done));
    }

    public static async Task<Results<Ok<ActionResult>, ValidationProblem, NotFound<ProblemDetails>>> DeleteAsync(Guid id, ReasonRequest request, HeldMail held, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(request.Reason) is { } problem)
        {
            return problem;
        }

        var done = await held.DeleteAsync([id], user.Actor(), request.Reason!.Trim(), cancellationToken);
        return done.Count == 0 ? ApiValidation.NotFound($"No held message {id}.") : TypedResults.Ok(new ActionResult("delete", done));
    }

    public static async Task<Results<Ok<ActionResult>, ValidationProblem>> BulkAsync(BulkRequest request, HeldMail held, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Ids is not { Count: > 0 and <= 10_000 })
        {
            return ApiValidation.Problem("ids", "Give 1 to 10000 message ids.");
        }

        if (ApiValidation.CheckReason(request.Reason) is { } problem)
        {
            return problem;
        }

        var reason = request.Reason!.Trim();
        return request.Action?.Trim().ToLowerInvariant() switch
        {
            "release" => TypedResults.Ok(new ActionResult("release", await held.ReleaseAsync(request.Ids, user.Actor(), reason, cancellationToken))),
            "delete" => TypedResults.Ok(new ActionResult("delete", await held.DeleteAsync(request.Ids, user.Actor(), reason, cancellationToken))),
            _ => ApiValidation.Problem("action", "The action must be release or delete."),
        };
    }
}
