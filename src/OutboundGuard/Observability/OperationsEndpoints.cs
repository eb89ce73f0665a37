using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace OutboundGuard.Observability;

/// <summary>/health (liveness), /ready (readiness, 503 when not ready) and /metrics (Prometheus text format).</summary>
internal static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process serves HTTP. Dependencies are /ready's business, so a database outage does not restart every node.
        endpoints.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        endpoints.MapGet("/ready", async (ReadinessProbe probe, CancellationToken cancellationToken) =>
        {
            var report = await probe.CheckAsync(cancellationToken);
            var body = new
            {
                status = report.Ready ? "ready" : "not ready",
                checks = report.Checks.Select(c => new { name = c.Name, ok = c.Ok, error = c.Error, ms = Math.Round(c.Milliseconds, 1) }),
            };
            return Results.Json(body, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<OutboundGuardMetrics>().Registry);
        return endpoints;
    }
}
