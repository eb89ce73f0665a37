using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MimeKit;
using OutboundGuard.Admin.Alerts;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Alerts;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/alerts/settings: where alerts about throttled and suspended accounts go.</summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alerts").WithTags("Alerts").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/settings", GetAsync).WithSummary("The alert settings in force");
        group.MapGet("/deliveries", DeliveriesAsync).WithSummary("The latest alert deliveries: per alert and channel, attempts, last error, when sent, and status (sent, retrying, failed)");
        group.MapPut("/settings", SaveAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Change the alert settings (null keeps a value, empty clears it)");
        return group;
    }

    /// <summary>
    /// One alert's delivery; <see cref="Status"/> is <c>sent</c>, <c>retrying</c> (attempts left), <c>failed</c> (given up),
    /// <c>folded</c> (over the day's budget, waiting for the digest) or, for a folded one, <c>digest-sent</c>, <c>digest-retrying</c>, <c>digest-failed</c>.
    /// </summary>
    public sealed record AlertDeliveryView(long ChangeId, string Account, string Tenant, string ToState, string Channel, string Node, int Attempts, string? LastError,
        DateTimeOffset ClaimedAt, DateTimeOffset? SentAt, DateTimeOffset? FoldedAt, DateTimeOffset? DigestedAt, string Status);

    public static async Task<Results<Ok<IReadOnlyList<AlertDeliveryView>>, ValidationProblem>> DeliveriesAsync(
        string? account, int? limit, AlertLogRepository log, Microsoft.Extensions.Options.IOptions<AdminOptions> options, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 1000.");
        }

        var maxAttempts = options.Value.Alerts.MaxAttempts;
        var deliveries = await log.ListDeliveriesAsync(string.IsNullOrWhiteSpace(account) ? null : account.Trim(), limit ?? 100, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AlertDeliveryView>>(deliveries.Select(d => new AlertDeliveryView(
            d.ChangeId, d.Account, d.Tenant, d.ToState, d.Channel, d.Node, d.Attempts, d.LastError, d.ClaimedAt, d.SentAt, d.FoldedAt, d.DigestedAt,
            Status(d, maxAttempts))).ToList());
    }

    private static string Status(AlertDelivery d, int maxAttempts)
    {
        if (d.FoldedAt is not null && d.DigestedAt is null)
        {
            return "folded";
        }

        var result = d.SentAt is not null ? "sent" : d.Attempts >= maxAttempts ? "failed" : "retrying";
        return d.FoldedAt is null ? result : "digest-" + result;
    }

    public static async Task<Ok<AlertSettingsView>> GetAsync(AlertSettings settings, CancellationToken cancellationToken)
        => TypedResults.Ok(await settings.CurrentAsync(cancellationToken));

    public static async Task<Results<Ok<AlertSettingsView>, ValidationProblem>> SaveAsync(AlertSettingsUpdate request, AlertSettings settings, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(request.WebhookUrl)
            && (!Uri.TryCreate(request.WebhookUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            return ApiValidation.Problem("webhookUrl", $"'{request.WebhookUrl}' is not an http or https URL.");
        }

        if (!string.IsNullOrWhiteSpace(request.From) && !ApiValidation.IsEmailAddress(request.From))
        {
            return ApiValidation.Problem("from", $"'{request.From}' is not an e-mail address.");
        }

        if (!string.IsNullOrWhiteSpace(request.OpsEmail) && !ApiValidation.IsEmailAddress(request.OpsEmail))
        {
            return ApiValidation.Problem("opsEmail", $"'{request.OpsEmail}' is not an e-mail address.");
        }

        await settings.SaveAsync(request, user.Actor(), request.Reason, cancellationToken);
        return TypedResults.Ok(await settings.CurrentAsync(cancellationToken));
    }
}
