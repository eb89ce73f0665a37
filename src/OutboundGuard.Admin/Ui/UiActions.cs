using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Apis;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Lists;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Review;
using OutboundGuard.Admin.Security;
using OutboundGuard.Admin.Ui.Pages;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Security;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.Admin.Ui;

/// <summary>
/// The web UI's changes: antiforgery-checked form posts with a reason, operator and up (connectors admin). Each
/// goes through the same service or API handler as the HTTP API, so it is audited the same way, then redirects
/// back with a banner key of <see cref="UiNotices"/>.
/// </summary>
internal static class UiActions
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("").RequireAuthorization(AdminAuth.CanOperate).ExcludeFromDescription();
        actions.MapPost("/accounts/{address}/action", AccountActionAsync);
        actions.MapPost("/quarantine/{id:guid}/action", MessageActionAsync);
        actions.MapPost("/quarantine/bulk", BulkActionAsync);
        actions.MapPost("/campaigns/action", CampaignActionAsync);
        actions.MapPost("/url-lists/action", UrlListActionAsync);
        app.MapPost("/tenants/connectors", ConnectorActionAsync).RequireAuthorization(AdminAuth.CanAdminister).ExcludeFromDescription();
        app.MapPost("/tenants/remove", TenantRemoveAsync).RequireAuthorization(AdminAuth.CanAdminister).ExcludeFromDescription();
        app.MapPost("/users/action", UserActionAsync).RequireAuthorization(AdminAuth.CanAdminister).ExcludeFromDescription();
    }

    private static async Task<IResult> AccountActionAsync(string address, IFormCollection form, ClaimsPrincipal user, AccountRepository accounts, IAccountActions actions, ReviewService review, TimeProvider time, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        var back = UiFormat.AccountPath(address);
        if (reason.Length == 0)
        {
            return Back(back, UiNotices.ReasonRequired);
        }

        if (await accounts.FindAsync(address, ct) is not { } account)
        {
            return Results.NotFound();
        }

        string done;
        switch (form["action"].ToString())
        {
            case "reinstate":
                await actions.ReinstateAsync(account.Id, reason, user.Actor(), ct);
                done = UiNotices.Reinstated;
                break;
            case "suspend":
                await actions.SuspendAsync(account.Id, reason, user.Actor(), cancellationToken: ct);
                done = UiNotices.Suspended;
                break;
            case "throttle":
                await actions.ThrottleAsync(account.Id, time.GetUtcNow() + AccountActions.ManualThrottleLength, reason, user.Actor(), cancellationToken: ct);
                done = UiNotices.Throttled;
                break;
            case "remove" when !user.IsInRole(AdminRoles.Admin):
                return Results.Forbid();
            case "remove":
                // The page of the removed account lives on under its tombstone address.
                return await actions.RemoveAsync(account.Id, reason, user.Actor(), ct) is { } removal
                    ? Back(UiFormat.AccountPath(removal.Tombstone), UiNotices.AccountRemoved)
                    : Results.NotFound();
            case "credential-reset":
                await actions.RequireNewPasswordAsync(account.Id, reason, user.Actor(), ct);
                done = UiNotices.CredentialReset;
                break;
            case "set-password":
                var password = form["password"].ToString();
                if (PasswordRule.Problem(password) is not null)
                {
                    return Back(back, UiNotices.PasswordRefused);
                }

                await actions.SetPasswordAsync(account.Id, password, reason, user.Actor(), ct);
                done = UiNotices.PasswordSet;
                break;
            case "review" when ReviewService.TryParseDecision(form["decision"], out var decision):
                await review.DecideAsync(address, decision, reason, releaseHeld: false, user.Actor(), ct);
                done = UiNotices.Reviewed;
                break;
            default:
                return Results.BadRequest();
        }

        return Back(back, done);
    }

    private static async Task<IResult> MessageActionAsync(Guid id, IFormCollection form, ClaimsPrincipal user, HeldMail held, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Back("/quarantine", UiNotices.ReasonRequired);
        }

        return await ApplyAsync(form["action"].ToString(), [id], reason, user, held, "/quarantine", ct);
    }

    /// <summary>Release or delete of the selected messages, or of every held message that matches the filters sent with the form.</summary>
    private static async Task<IResult> BulkActionAsync(IFormCollection form, ClaimsPrincipal user, HeldMail held, QuarantineRepository quarantine, TimeProvider time, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        var filter = HeldMailFilter.From(form["tenant"], form["account"], form["match"], form["age"]);
        var back = "/quarantine" + FilterQuery(filter);
        List<Guid> ids;
        if (form["scope"] == "matching")
        {
            ids = [.. (await filter.SelectAsync(quarantine, time.GetUtcNow(), ct)).Select(m => m.Id)];
            if (ids.Count == 0)
            {
                return Back(back, UiNotices.NothingMatched);
            }
        }
        else
        {
            ids = [.. form["ids"].Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];
        }

        if (reason.Length == 0 || ids.Count == 0)
        {
            return Back(back, UiNotices.SelectAndReason);
        }

        return await ApplyAsync(form["action"].ToString(), ids, reason, user, held, back, ct);
    }

    private static async Task<IResult> ApplyAsync(string action, IReadOnlyCollection<Guid> ids, string reason, ClaimsPrincipal user, HeldMail held, string back, CancellationToken ct)
    {
        var done = action switch
        {
            "release" => await held.ReleaseAsync(ids, user.Actor(), reason, ct) is not null ? UiNotices.Released : null,
            "delete" => await held.DeleteAsync(ids, user.Actor(), reason, ct) is not null ? UiNotices.Deleted : null,
            _ => null,
        };
        return done is null ? Results.BadRequest() : Back(back, done);
    }

    private static async Task<IResult> CampaignActionAsync(IFormCollection form, ClaimsPrincipal user, CampaignService campaigns, CancellationToken ct)
    {
        var request = new ReasonRequest(form["reason"].ToString());
        var fingerprint = form["fingerprint"].ToString();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Back("/campaigns", UiNotices.ReasonRequired);
        }

        var result = form["action"].ToString() switch
        {
            "block" => await CampaignsApi.BlockAsync(fingerprint, request, campaigns, user, ct),
            "unblock" => await CampaignsApi.UnblockAsync(fingerprint, request, campaigns, user, ct),
            _ => null,
        };
        return result?.Result switch
        {
            NoContent => Back("/campaigns", form["action"] == "block" ? UiNotices.Blocked : UiNotices.Unblocked),
            null => Results.BadRequest(),
            _ => Back("/campaigns", UiNotices.BadFingerprint),
        };
    }

    private static async Task<IResult> UrlListActionAsync(IFormCollection form, ClaimsPrincipal user, UrlListRepository lists, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Back("/url-lists", UiNotices.ReasonRequired);
        }

        var list = form["list"].ToString();
        var domain = form["domain"].ToString();
        return form["action"].ToString() switch
        {
            "add" => (await UrlListsApi.AddAsync(list, new UrlListRequest(domain, reason), lists, user, ct)).Result is Ok<UrlListEntry>
                ? Back("/url-lists", UiNotices.EntryAdded) : Back("/url-lists", UiNotices.BadDomain),
            "remove" => (await UrlListsApi.RemoveAsync(list, domain, reason, lists, user, ct)).Result is NoContent
                ? Back("/url-lists", UiNotices.EntryRemoved) : Back("/url-lists", UiNotices.BadDomain),
            _ => Results.BadRequest(),
        };
    }

    private static async Task<IResult> ConnectorActionAsync(IFormCollection form, ClaimsPrincipal user, TenantRepository tenants, AuditLogRepository audit, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Back("/tenants", UiNotices.ReasonRequired);
        }

        var domain = form["domain"].ToString();
        var network = form["network"].ToString().Trim();
        return form["action"].ToString() switch
        {
            "add" => (await TenantsApi.AddConnectorAsync(domain, new ConnectorRequest(network), tenants, audit, user, ct)).Result is Ok<TenantsApi.TenantView>
                ? Back("/tenants", UiNotices.ConnectorAdded) : Back("/tenants", UiNotices.BadNetwork),
            "remove" => (await TenantsApi.RemoveConnectorAsync(domain, network, reason, tenants, audit, user, ct)).Result is Ok<TenantsApi.TenantView>
                ? Back("/tenants", UiNotices.ConnectorRemoved) : Back("/tenants", UiNotices.BadNetwork),
            _ => Results.BadRequest(),
        };
    }

    /// <summary>Removes a tenant through the API's handler; refused (with a banner) while it has accounts.</summary>
    private static async Task<IResult> TenantRemoveAsync(IFormCollection form, ClaimsPrincipal user, TenantRepository tenants, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Back("/tenants", UiNotices.ReasonRequired);
        }

        return (await TenantsApi.RemoveAsync(form["domain"].ToString(), reason, tenants, user, ct)).Result switch
        {
            Ok<TenantRemoval> => Back("/tenants", UiNotices.TenantRemoved),
            Conflict<ProblemDetails> => Back("/tenants", UiNotices.TenantHasAccounts),
            _ => Back("/tenants", UiNotices.NothingMatched),
        };
    }

    /// <summary>
    /// Adds a UI user (the password rule, audited <c>user.create</c>) or creates an API key through the API's handler; a new
    /// key is shown once, in this reply's page (never in a URL, never again).
    /// </summary>
    private static async Task<IResult> UserActionAsync(IFormCollection form, ClaimsPrincipal user, AdminUserRepository users, ApiKeyRepository keys, TimeProvider time, CancellationToken ct)
    {
        var name = form["name"].ToString();
        var role = form["role"].ToString();
        switch (form["action"].ToString())
        {
            case "add-user":
                try
                {
                    await users.AddAsync(name, form["password"].ToString(), role, user.Actor(), ct);
                    return Back("/users", UiNotices.UserAdded);
                }
                catch (ArgumentException)
                {
                    return Back("/users", UiNotices.UserRefused);
                }
                catch (DuplicateNameException)
                {
                    return Back("/users", UiNotices.NameTaken);
                }

            case "add-key":
                var expires = form["expires"].ToString();
                return (await ApiKeysApi.CreateAsync(new CreateApiKeyRequest(name, role, expires.Length == 0 ? null : expires), keys, time, user, ct)).Result switch
                {
                    Created<ApiKeysApi.CreatedApiKey> created => UiPage.Render<UsersPage>(new { User = user, NewKey = created.Value }),
                    Conflict<ProblemDetails> => Back("/users", UiNotices.NameTaken),
                    _ => Back("/users", UiNotices.KeyRefused),
                };
            case "remove-user":
                var reason = form["reason"].ToString().Trim();
                if (reason.Length == 0)
                {
                    return Back("/users", UiNotices.ReasonRequired);
                }

                return (await UsersApi.RemoveAsync(name, reason, users, user, ct)).Result is NoContent
                    ? Back("/users", UiNotices.UserRemoved) : Back("/users", UiNotices.UserNotRemoved);
            case "revoke-key":
                return (await ApiKeysApi.RevokeAsync(name, keys, user, ct)).Result is NoContent
                    ? Back("/users", UiNotices.KeyRevoked) : Back("/users", UiNotices.NothingMatched);
            default:
                return Results.BadRequest();
        }
    }

    private static string FilterQuery(HeldMailFilter f)
    {
        var parts = new[] { ("tenant", f.Tenant), ("account", f.Account), ("reason", f.Reason), ("age", f.OlderThanHours?.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
            .Where(p => p.Item2 is not null).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)).ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static IResult Back(string path, string done) => Results.Redirect(UiNotices.Redirect(path, done));
}
