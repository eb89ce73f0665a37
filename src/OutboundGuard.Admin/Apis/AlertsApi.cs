using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MimeKit;
using OutboundGuard.Admin.Alerts;
using OutboundGuard.Admin.Security;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/alerts/settings: where alerts about throttled and suspended accounts go.</summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alerts").WithTags("Alerts").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/settings", GetAsync).WithSummary("The alert settings in force");
        group.MapPut("/settings", SaveAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Change the alert settings (null keeps a value, empty clears it)");
        return group;
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
