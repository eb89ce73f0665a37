using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Import;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/tenants: tenants, their alert address and connector ranges (as <c>outboundguard tenants add</c>).</summary>
public static class TenantsApi
{
    /// <summary>A tenant with its connectors.</summary>
    public sealed record TenantView(string Domain, string? AdminEmail, IReadOnlyList<string> Connectors, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants").WithTags("Tenants").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Tenants and their connector ranges");
        group.MapPost("/", CreateAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Create a tenant, optionally with its alert address and connector ranges");
        group.MapPost("/{domain}/connectors", AddConnectorAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Add a connector range (IP or CIDR)");
        group.MapDelete("/{domain}/connectors", RemoveConnectorAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Remove a connector range (?network=IP or CIDR&reason=)");
        group.MapPost("/import", ImportAsync).RequireAuthorization(AdminAuth.CanAdminister)
            .Accepts<string>(ImportRequest.MediaTypes[0], ImportRequest.MediaTypes[1..])
            .WithSummary("Create or update tenants from JSON Lines or CSV (upsert by domain); ?check=true writes nothing");
        group.MapDelete("/{domain}", RemoveAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Remove a tenant that has no account left (reason in the query); its row stays, the domain is free again");
        group.MapPut("/{domain}/admin-email", SetAdminEmailAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Set the address that receives the tenant's alerts");
        return group;
    }

    /// <summary>The report of <c>POST /api/tenants/import</c>: the same counts and refused lines as <c>outboundguard tenants import --json</c>.</summary>
    public sealed record TenantImportResult(bool Check, int Created, int Updated, int Unchanged, int Refused, IReadOnlyList<ImportRefusal> Refusals, string Summary);

    /// <summary>The same import as <c>outboundguard tenants import</c>: body = JSON Lines or CSV by Content-Type.</summary>
    public static async Task<Results<Ok<TenantImportResult>, ValidationProblem, ProblemHttpResult>> ImportAsync(HttpRequest request, bool? check, TenantImporter importer,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (text, format, problem) = await ImportRequest.ReadAsync(request, "tenants", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        ImportParseResult<TenantImportRow> parsed;
        try
        {
            parsed = TenantImportParser.Parse(text, format);
        }
        catch (ImportFileException e)
        {
            return ApiValidation.Problem("file", e.Message);
        }

        var report = await importer.ImportAsync(parsed, "api", user.Actor(), check ?? false, cancellationToken: cancellationToken);
        return TypedResults.Ok(new TenantImportResult(report.Check, report.Created, report.Updated, report.Unchanged, report.Refused, report.Refusals, report.Summary));
    }

    public static async Task<Ok<IReadOnlyList<TenantView>>> ListAsync(TenantRepository tenants, CancellationToken cancellationToken)
    {
        var result = new List<TenantView>();
        foreach (var t in await tenants.ListAsync(cancellationToken))
        {
            result.Add(new TenantView(t.Domain, t.AdminEmail, await tenants.ListConnectorsAsync(t.Id, cancellationToken), t.CreatedAt));
        }

        return TypedResults.Ok<IReadOnlyList<TenantView>>(result);
    }

    public static async Task<Results<Created<TenantView>, ValidationProblem>> CreateAsync(CreateTenantRequest request, TenantRepository tenants, AuditLogRepository audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (TenantRepository.DomainProblem(request.Domain) is { } bad)
        {
            return ApiValidation.Problem("domain", bad);
        }

        if (!string.IsNullOrWhiteSpace(request.AdminEmail) && !ApiValidation.IsEmailAddress(request.AdminEmail))
        {
            return ApiValidation.Problem("adminEmail", $"'{request.AdminEmail}' is not an e-mail address.");
        }

        foreach (var range in request.ConnectorIps ?? [])
        {
            if (!TryParseRange(range))
            {
                return ApiValidation.Problem("connectorIps", $"'{range}' is not an IP address or CIDR range.");
            }
        }

        var (tenant, _) = await tenants.AddAsync(request.Domain!, user.Actor(), cancellationToken);
        foreach (var range in request.ConnectorIps ?? [])
        {
            await tenants.AddConnectorAsync(tenant.Domain, range, cancellationToken);
            await audit.AppendAsync(user.Actor(), "tenant.connector.add", tenant.Domain, null, new { network = range }, cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(request.AdminEmail))
        {
            await tenants.SetAdminEmailAsync(tenant.Domain, request.AdminEmail.Trim(), user.Actor(), cancellationToken);
        }

        var view = await ViewAsync(tenants, tenant.Domain, cancellationToken);
        return TypedResults.Created($"/api/tenants/{Uri.EscapeDataString(tenant.Domain)}", view!);
    }

    public static async Task<Results<Ok<TenantView>, ValidationProblem, NotFound<ProblemDetails>>> AddConnectorAsync(string domain, ConnectorRequest request, TenantRepository tenants, AuditLogRepository audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Network) || !TryParseRange(request.Network))
        {
            return ApiValidation.Problem("network", $"'{request.Network}' is not an IP address or CIDR range.");
        }

        if (await tenants.FindAsync(domain, cancellationToken) is null)
        {
            return ApiValidation.NotFound($"No tenant {domain}.");
        }

        await tenants.AddConnectorAsync(domain, request.Network, cancellationToken);
        await audit.AppendAsync(user.Actor(), "tenant.connector.add", domain, null, new { network = request.Network }, cancellationToken);
        return TypedResults.Ok((await ViewAsync(tenants, domain, cancellationToken))!);
    }

    public static async Task<Results<Ok<TenantView>, ValidationProblem, NotFound<ProblemDetails>>> RemoveConnectorAsync(string domain, string? network, string? reason, TenantRepository tenants, AuditLogRepository audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(network) || !TryParseRange(network))
        {
            return ApiValidation.Problem("network", $"'{network}' is not an IP address or CIDR range.");
        }

        if (await tenants.FindAsync(domain, cancellationToken) is null)
        {
            return ApiValidation.NotFound($"No tenant {domain}.");
        }

        if (!await tenants.RemoveConnectorAsync(domain, network.Trim(), cancellationToken))
        {
            return ApiValidation.NotFound($"{domain} has no connector {network}.");
        }

        await audit.AppendAsync(user.Actor(), "tenant.connector.remove", domain, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), new { network = network.Trim() }, cancellationToken);
        return TypedResults.Ok((await ViewAsync(tenants, domain, cancellationToken))!);
    }

    /// <summary>
    /// Removes the tenant (<see cref="TenantRepository.RemoveAsync"/>): 409 naming how many accounts remain, which are
    /// removed first; 404 for no such tenant.
    /// </summary>
    public static async Task<Results<Ok<TenantRemoval>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RemoveAsync(string domain, string? reason, TenantRepository tenants, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(reason) is { } problem)
        {
            return problem;
        }

        return await tenants.RemoveAsync(domain, reason!.Trim(), user.Actor(), cancellationToken) switch
        {
            null => ApiValidation.NotFound($"No tenant {domain}."),
            { Removed: false } refused => TypedResults.Conflict(new ProblemDetails
            {
                Title = "Tenant has accounts",
                Detail = $"{refused.Domain} still has {refused.AccountsRemaining} account(s); remove them first (DELETE /api/accounts/{{address}}).",
                Status = StatusCodes.Status409Conflict,
            }),
            var removed => TypedResults.Ok(removed),
        };
    }

    public static async Task<Results<Ok<TenantView>, ValidationProblem, NotFound<ProblemDetails>>> SetAdminEmailAsync(string domain, AdminEmailRequest request, TenantRepository tenants, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null && !ApiValidation.IsEmailAddress(email))
        {
            return ApiValidation.Problem("email", $"'{email}' is not an e-mail address.");
        }

        return await tenants.SetAdminEmailAsync(domain, email, user.Actor(), cancellationToken)
            ? TypedResults.Ok((await ViewAsync(tenants, domain, cancellationToken))!)
            : ApiValidation.NotFound($"No tenant {domain}.");
    }

    private static async Task<TenantView?> ViewAsync(TenantRepository tenants, string domain, CancellationToken cancellationToken)
        => await tenants.FindAsync(domain, cancellationToken) is { } t ? new TenantView(t.Domain, t.AdminEmail, await tenants.ListConnectorsAsync(t.Id, cancellationToken), t.CreatedAt) : null;

    private static bool TryParseRange(string range)
    {
        var r = range.Trim();
        return System.Net.IPNetwork.TryParse(r.Contains('/', StringComparison.Ordinal) ? r : r + (r.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out _);
    }
}
