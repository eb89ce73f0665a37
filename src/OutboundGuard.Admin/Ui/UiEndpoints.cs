using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OutboundGuard.Admin.Apis;
using OutboundGuard.Admin.Audit;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Content;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Security;
using OutboundGuard.Admin.Ui.Pages;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.History;
using OutboundGuard.Storage.Quarantine;

namespace OutboundGuard.Admin.Ui;

/// <summary>The web UI's pages (viewer and up; users and keys admin) and sign-in. Each page is one Razor component; actions are in <see cref="UiActions"/>.</summary>
internal static class UiEndpoints
{
    public static void MapAdminUi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").RequireAuthorization(AdminAuth.CanView).ExcludeFromDescription();
        pages.MapGet("/", (ClaimsPrincipal user) => UiPage.Render<DashboardPage>(new { User = user }));
        pages.MapGet("/accounts", (ClaimsPrincipal user, string? q, string? tenant, string? state, string? reason, string? since)
            => UiPage.Render<AccountsPage>(new { User = user, Filter = AccountFilter.From(q, tenant, state, reason, since) }));
        pages.MapGet("/accounts/{address}", async (string address, string? done, ClaimsPrincipal user, AccountRepository accounts, CancellationToken ct)
            => await accounts.FindAsync(address, ct) is { } account
                ? UiPage.Render<AccountPage>(new { User = user, Account = account, Done = done })
                : NotFound(user, $"No account {address}"));
        pages.MapGet("/history", (ClaimsPrincipal user, string? account, string? tenant, string? sender, string? recipient, string? subject, string? state, string? from, string? to)
            => UiPage.Render<HistoryPage>(new { User = user, Filter = new HistoryFilter(account, tenant, sender, recipient, subject, state, from, to) }));
        pages.MapGet("/held", (ClaimsPrincipal user) => UiPage.Render<HeldQueuePage>(new { User = user }));
        pages.MapGet("/quarantine", (string? done, ClaimsPrincipal user, string? tenant, string? account, string? reason, string? age)
            => UiPage.Render<QuarantinePage>(new { User = user, Done = done, Filter = HeldMailFilter.From(tenant, account, reason, age) }));
        pages.MapGet("/quarantine/{id:guid}", async (Guid id, ClaimsPrincipal user, QuarantineRepository quarantine, CampaignService campaigns, IMessageContent content, CancellationToken ct) =>
        {
            if (await quarantine.FindAsync(id, ct) is not { } message)
            {
                return NotFound(user, $"No message {id}");
            }

            // As the API does: a held message that was looked at is a sighting of its fingerprint on the campaigns page.
            var view = await MessageReader.ViewAsync(message.SpoolPath, content, ct);
            if (view.Fingerprint is not null && message.StateValue == MessageState.Quarantined)
            {
                await campaigns.FingerprintOfAsync(message, ct);
            }

            return UiPage.Render<MessagePage>(new { User = user, Message = message, View = view });
        });
        pages.MapGet("/audit", (ClaimsPrincipal user, string? target, string? actor, string? action, string? q, string? from, string? to)
            => UiPage.Render<AuditPage>(new { User = user, Target = target, Actor = actor, Action = action, Q = q, From = from, To = to }));
        pages.MapGet("/audit/export.csv", async (HttpResponse response, AuditLogRepository audit, string? target, string? actor, string? action, string? q, string? from, string? to, CancellationToken ct) =>
        {
            if (!AuditFilter.TryParse(target, actor, action, q, from, to, out var query, out _))
            {
                return Results.BadRequest();
            }

            response.Headers.ContentDisposition = "attachment; filename=\"outboundguard-audit.csv\"";
            return AuditApi.Csv(await audit.SearchAsync(query, 10_000, ct));
        });
        pages.MapGet("/campaigns", (string? done, ClaimsPrincipal user, int? hours) => UiPage.Render<CampaignsPage>(new { User = user, Done = done, Hours = Math.Clamp(hours ?? 72, 1, 24 * 90) }));
        pages.MapGet("/url-lists", (string? done, ClaimsPrincipal user) => UiPage.Render<UrlListsPage>(new { User = user, Done = done }));
        pages.MapGet("/tenants", (string? done, ClaimsPrincipal user) => UiPage.Render<TenantsPage>(new { User = user, Done = done }));
        pages.MapGet("/alerts", (ClaimsPrincipal user) => UiPage.Render<AlertsPage>(new { User = user }));
        app.MapGet("/users", (string? done, ClaimsPrincipal user) => UiPage.Render<UsersPage>(new { User = user, Done = done })).RequireAuthorization(AdminAuth.CanAdminister).ExcludeFromDescription();

        UiActions.Map(app);

        var open = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        open.MapGet("/login", (string? returnUrl) => UiPage.Render<LoginPage>(new { ReturnUrl = returnUrl }));
        open.MapPost("/login", LoginAsync);
        open.MapPost("/logout", async (HttpContext context, IFormCollection form) =>
        {
            await context.SignOutAsync(AdminAuth.CookieScheme);
            return Results.Redirect("/login");
        });
        open.MapGet("/denied", (ClaimsPrincipal user) => UiPage.Render<NoticePage>(new { User = user, Heading = "Not allowed", Text = "Your role may not do this." }, StatusCodes.Status403Forbidden));
    }

    private static IResult NotFound(ClaimsPrincipal user, string heading) => UiPage.Render<NoticePage>(new { User = user, Heading = heading }, StatusCodes.Status404NotFound);

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
            return next > TimeSpan.Zero
                ? SignInWait(context, returnUrl, next)
                : UiPage.Render<LoginPage>(new { ReturnUrl = returnUrl, Error = "Wrong name or password." }, StatusCodes.Status401Unauthorized);
        }

        await throttle.RecordSuccessAsync(name, client, ct);
        Log.SignedIn(logger, user.Name, user.Role);
        await context.SignInAsync(AdminAuth.CookieScheme, AdminAuth.Principal(user));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>429 with Retry-After in whole seconds (rounded up), and the sign-in page saying how long to wait.</summary>
    private static IResult SignInWait(HttpContext context, string returnUrl, TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return UiPage.Render<LoginPage>(new { ReturnUrl = returnUrl, Error = $"Too many failed sign-ins for this name from your address; try again in {seconds} s." }, StatusCodes.Status429TooManyRequests);
    }

    private static bool IsLocal(string url) => url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
