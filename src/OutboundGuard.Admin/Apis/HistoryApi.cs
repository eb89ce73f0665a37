using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage;
using OutboundGuard.Storage.History;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/history: search accepted and held mail by account, tenant, sender, recipient, subject, fingerprint and time range.</summary>
public static class HistoryApi
{
    private static readonly HashSet<string> States = new(MessageStates.All.Select(MessageStates.ToText), StringComparer.OrdinalIgnoreCase);

    public static RouteGroupBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/history").WithTags("History").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", SearchAsync).WithSummary("Messages, newest first, with the verdict that decided them; every filter optional (sender and recipient accept @domain)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ValidationProblem>> SearchAsync(
        HistoryRepository history, string? account, string? tenant, string? sender, string? recipient, string? subject,
        string? fingerprint, string? state, DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 5000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 5000.");
        }

        if (from is not null && to is not null && from >= to)
        {
            return ApiValidation.Problem("from", "'from' must be before 'to'.");
        }

        if (state is not null && !States.Contains(state))
        {
            return ApiValidation.Problem("state", $"Unknown state '{state}'; expected one of {string.Join(", ", States.Order(StringComparer.Ordinal))}.");
        }

        if (fingerprint is not null && (fingerprint.Length != 16 || !fingerprint.All(Uri.IsHexDigit)))
        {
            return ApiValidation.Problem("fingerprint", "A fingerprint is 16 hexadecimal digits.");
        }

        var rows = await history.SearchAsync(new HistoryQuery
        {
            Account = account, Tenant = tenant, Sender = sender, Recipient = recipient, Subject = subject,
            Fingerprint = fingerprint, State = state, From = from, To = to, Limit = limit ?? 200,
        }, cancellationToken);
        return TypedResults.Ok(rows);
    }
}
