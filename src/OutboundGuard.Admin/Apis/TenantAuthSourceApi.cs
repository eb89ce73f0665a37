using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Admin.Apis;

/// <summary>
/// /api/tenants/{domain}/auth-source: where the tenant's SMTP AUTH passwords are checked (as
/// <c>outboundguard tenants auth-source</c>); each change audited as <c>tenant.auth_source</c>.
/// </summary>
public static class TenantAuthSourceApi
{
    public static RouteGroupBuilder MapTenantAuthSourceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{domain}/auth-source").WithTags("Tenants").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", GetAsync).WithSummary("The tenant's authentication source (the LDAP search password only as set or not)");
        group.MapPut("/", SetAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Set the tenant's authentication source: local, dovecot or ldap");
        return group;
    }

    public static async Task<Results<Ok<object>, NotFound<ProblemDetails>>> GetAsync(string domain, TenantAuthSourceRepository sources, CancellationToken cancellationToken)
        => await sources.FindAsync(domain, cancellationToken) is { } source
            ? TypedResults.Ok(TenantAuthSourceRepository.Describe(source))
            : ApiValidation.NotFound($"No tenant {domain}.");

    public static async Task<Results<Ok<object>, ValidationProblem, NotFound<ProblemDetails>>> SetAsync(string domain, AuthSourceRequest request, TenantAuthSourceRepository sources, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!TenantAuthSource.TryParseKind(request.Source, out var kind))
        {
            return ApiValidation.Problem("source", $"'{request.Source}' is not one of local, dovecot, ldap.");
        }

        if (request.EstablishedSince > DateTimeOffset.UtcNow)
        {
            return ApiValidation.Problem("establishedSince", $"{request.EstablishedSince:O} is in the future.");
        }

        var tls = LdapTls.StartTls;
        if (request.LdapTls is { } tlsText && !TenantAuthSource.TryParseLdapTls(tlsText, out tls))
        {
            return ApiValidation.Problem("ldapTls", $"'{tlsText}' is not one of starttls, none.");
        }

        var source = new TenantAuthSource
        {
            Kind = kind,
            Endpoint = request.Endpoint,
            LdapBindDn = request.LdapBindDn,
            LdapSearchBase = request.LdapSearchBase,
            LdapSearchFilter = request.LdapSearchFilter,
            LdapSearchBindDn = request.LdapSearchBindDn,
            LdapSearchBindPassword = request.LdapSearchBindPassword,
            LdapTls = tls,
            LdapTlsCaPem = request.LdapTlsCaPem,
            EstablishedSince = request.EstablishedSince,
        };
        if (source.Problem() is { } problem)
        {
            return ApiValidation.Problem("source", problem);
        }

        return await sources.SetAsync(domain, source, user.Actor(), cancellationToken)
            ? TypedResults.Ok(TenantAuthSourceRepository.Describe(source))
            : ApiValidation.NotFound($"No tenant {domain}.");
    }
}
