using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OutboundGuard.Admin.Apis;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Review;
using OutboundGuard.Admin.Security;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Spool;

using OutboundGuard.Relay.Accounts;

namespace OutboundGuard.Admin.Ui;

/// <summary>The web UI's routes: pages (viewer and up), actions (operator and up, antiforgery-checked forms with a reason), sign-in.</summary>
internal static class UiEndpoints
{
    public static void MapAdminUi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").RequireAuthorization(AdminAuth.CanView).ExcludeFromDescription();
        pages.MapGet("/", (ClaimsPrincipal user, AccountRepository accounts, ActivityRepository activity, SpooledMessageRepository messages, TimeProvider time, CancellationToken ct)
            => DashboardPage.RenderAsync(user, accounts, activity, messages, time, ct));
        pages.MapGet("/accounts/{address}", (string address, string? done, ClaimsPrincipal user, AccountEvidence evidence, AccountRepository accounts, ActivityRepository activity, TimeProvider time, CancellationToken ct)
            => AccountPage.RenderAsync(address, done, user, evidence, accounts, activity, time, ct));
        pages.MapGet("/quarantine", (string? done, ClaimsPrincipal user, QuarantineRepository quarantine, CancellationToken ct) => QuarantinePage.ListAsync(done, user, quarantine, ct));
        pages.MapGet("/quarantine/{id:guid}", (Guid id, ClaimsPrincipal user, QuarantineRepository quarantine, CancellationToken ct) => QuarantinePage.MessageAsync(id, user, quarantine, ct));
        pages.MapGet("/audit", (string? target, ClaimsPrincipal user, AuditLogRepository audit, CancellationToken ct) => AuditPage.RenderAsync(target, user, audit, ct));

        var actions = app.MapGroup("").RequireAuthorization(AdminAuth.CanOperate).ExcludeFromDescription();
        actions.MapPost("/accounts/{address}/action", AccountActionAsync);
        actions.MapPost("/quarantine/{id:guid}/action", MessageActionAsync);
        actions.MapPost("/quarantine/bulk", BulkActionAsync);

        var open = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        open.MapGet("/login", (string? returnUrl) => LoginPage.Render(returnUrl, null));
        open.MapPost("/login", LoginAsync);
        open.MapPost("/logout", async (HttpContext context, IFormCollection form) =>
        {
            await context.SignOutAsync(AdminAuth.CookieScheme);
            return Results.Redirect("/login");
        });
        open.MapGet("/denied", (ClaimsPrincipal user) => Html.Page("Not allowed", user, "<h1>Not allowed</h1><p>Your role may not do this.</p>", 403));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IFormCollection form, AdminUserRepository users, SignInThrottle throttle, ILogger<AdminUserRepository> logger)
    {
        var name = form["name"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        var client = context.Connection.RemoteIpAddress;
        var ct = context.RequestAborted;
        if (name.Length > 0 && await throttle.WaitAsync(name, client, ct) is var wait && wait > TimeSpan.Zero)
        {
            // Refused before the password is checked, so guessing gains nothing during the wait.
            Log.SignInDelayed(logger, name, SignInThrottle.Address(client), wait);
            return SignInWait(context, returnUrl, wait);
        }

        var user = name.Length == 0 ? null : await users.VerifyAsync(name, password, ct);
        if (user is null)
        {
            Log.SignInFailed(logger, name);
            var next = name.Length == 0 ? TimeSpan.Zero : await throttle.RecordFailureAsync(name, client, ct);
            return next > TimeSpan.Zero ? SignInWait(context, returnUrl, next) : LoginPage.Render(returnUrl, "Wrong name or password.", 401);
        }

        await throttle.RecordSuccessAsync(name, client, ct);
        Log.SignedIn(logger, user.Name, user.Role);
        await context.SignInAsync(AdminAuth.CookieScheme, AdminAuth.Principal(user.Name, user.Role, "user:" + user.Name, AdminAuth.CookieScheme));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>429 with Retry-After in whole seconds (rounded up), and the sign-in page saying how long to wait.</summary>
    private static IResult SignInWait(HttpContext context, string returnUrl, TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return LoginPage.Render(returnUrl, $"Too many failed sign-ins for this name from your address; try again in {seconds} s.", StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> AccountActionAsync(string address, IFormCollection form, ClaimsPrincipal user, AccountRepository accounts, IAccountActions actions, ReviewService review, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        var back = "/accounts/" + Uri.EscapeDataString(address);
        if (reason.Length == 0)
        {
            return Results.Redirect(UiNotices.Redirect(back, UiNotices.ReasonRequired));
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
            case "credential-reset":
                await actions.RequireNewPasswordAsync(account.Id, reason, user.Actor(), ct);
                done = UiNotices.CredentialReset;
                break;
            case "review" when ReviewService.TryParseDecision(form["decision"], out var decision):
                await review.DecideAsync(address, decision, reason, releaseHeld: false, user.Actor(), ct);
                done = UiNotices.Reviewed;
                break;
            default:
                return Results.BadRequest();
        }

        return Results.Redirect(UiNotices.Redirect(back, done));
    }

    private static async Task<IResult> MessageActionAsync(Guid id, IFormCollection form, ClaimsPrincipal user, HeldMail held, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        if (reason.Length == 0)
        {
            return Results.Redirect(UiNotices.Redirect("/quarantine", UiNotices.ReasonRequired));
        }

        var done = form["action"].ToString() switch
        {
            "release" => await held.ReleaseAsync([id], user.Actor(), reason, ct) is not null ? UiNotices.Released : null,
            "delete" => await held.DeleteAsync([id], user.Actor(), reason, ct) is not null ? UiNotices.Deleted : null,
            _ => null,
        };
        return done is null ? Results.BadRequest() : Results.Redirect(UiNotices.Redirect("/quarantine", done));
    }

    private static async Task<IResult> BulkActionAsync(IFormCollection form, ClaimsPrincipal user, HeldMail held, CancellationToken ct)
    {
        var reason = form["reason"].ToString().Trim();
        var ids = form["ids"].Select(v => Guid.TryParse(v, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        if (reason.Length == 0 || ids.Count == 0)
        {
            return Results.Redirect(UiNotices.Redirect("/quarantine", UiNotices.SelectAndReason));
        }

        var done = form["action"].ToString() switch
        {
            "release" => await held.ReleaseAsync(ids, user.Actor(), reason, ct) is not null ? UiNotices.Released : null,
            "delete" => await held.DeleteAsync(ids, user.Actor(), reason, ct) is not null ? UiNotices.Deleted : null,
            _ => null,
        };
        return done is null ? Results.BadRequest() : Results.Redirect(UiNotices.Redirect("/quarantine", done));
    }

    private static bool IsLocal(string url) => url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
