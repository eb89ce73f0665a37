using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutboundGuard.Admin.Alerts;
using OutboundGuard.Admin.Apis;
using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Admin.Complaints;
using OutboundGuard.Admin.Lists;
using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Review;
using OutboundGuard.Admin.Security;
using OutboundGuard.Admin.Ui;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Alerts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Settings;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Storage.UrlLists;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Admin;

/// <summary>Registers and maps the ops review surface: the HTTP API (with OpenAPI), the web UI, sign-in, roles, and alerts.</summary>
public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the review surface needs on top of a slim host: routing, problem details, OpenAPI,
    /// cookie and API-key authentication, role policies, antiforgery, the repositories, review and alert services.
    /// Needs an <c>NpgsqlDataSource</c>, a <see cref="TimeProvider"/>, and the host's <see cref="Content.IMessageContent"/> and
    /// <see cref="Content.IContentLearning"/> registered. Changes to scoring state (campaign blocks, URL lists) are published
    /// on the notification channels, never applied to scoring objects here.
    /// </summary>
    public static IServiceCollection AddOutboundGuardAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName))
            .Validate(o => o.SignIn.FreeFailures >= 0 && o.SignIn.FirstDelay > TimeSpan.Zero && o.SignIn.MaxDelay >= o.SignIn.FirstDelay && o.SignIn.ForgetAfter > TimeSpan.Zero,
                $"{AdminOptions.SectionName}:SignIn: FreeFailures must be 0 or more, FirstDelay and ForgetAfter positive, MaxDelay at least FirstDelay.")
            .Validate(o => o.Alerts.WebhookSecrets.Length <= 2 && o.Alerts.WebhookSecrets.All(k => k.Length >= 32),
                $"{AdminOptions.SectionName}:Alerts:WebhookSecrets: at most two secrets (the current one, and the next during a rotation), each of at least 32 characters.")
            .Validate(o => o.Alerts.DailyBudgetPerTenant >= 0 && o.Alerts.DailyBudgetTotal >= 0 && o.Alerts.DigestInterval > TimeSpan.Zero,
                $"{AdminOptions.SectionName}:Alerts: DailyBudgetPerTenant and DailyBudgetTotal must be 0 or more, DigestInterval positive.")
            .Validate(o => o.Alerts.MaxAttempts >= 1, $"{AdminOptions.SectionName}:Alerts:MaxAttempts must be 1 or more.")
            .Validate(o => o.Alerts.InitialRetryDelay > TimeSpan.Zero, $"{AdminOptions.SectionName}:Alerts:InitialRetryDelay must be positive.")
            .Validate(o => o.Alerts.WebhookUrl is null || Uri.TryCreate(o.Alerts.WebhookUrl, UriKind.Absolute, out _), $"{AdminOptions.SectionName}:Alerts:WebhookUrl must be an absolute http(s) URL.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddRouting();

        // The web UI's pages are Razor components rendered on the server (RazorComponentResult): no circuit, no script.
        services.AddRazorComponents();

        // Every error body is RFC 9457 problem details, in every environment: a bad request is answered 400 by the
        // endpoint's binder (never thrown to a developer page that would echo the stack and the request's headers),
        // and no exception detail leaves the process.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("exception");
            if (context.ProblemDetails.Status >= StatusCodes.Status500InternalServerError)
            {
                context.ProblemDetails.Detail = null;
            }
        });
        services.AddOpenApi(o => o.AddDocumentTransformer<ApiSecuritySchemes>());
        // The keys behind the sign-in cookie and the antiforgery tokens live in PostgreSQL, shared by every node and kept
        // across restarts; one application name so that nodes installed in different folders read each other's tokens.
        services.TryAddSingleton<KeyRingRepository>();
        services.AddDataProtection().SetApplicationName("OutboundGuard");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRing(sp.GetRequiredService<KeyRingRepository>())));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "og.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__og_af";
        });

        services.AddAuthentication(AdminAuth.Scheme)
            .AddPolicyScheme(AdminAuth.Scheme, "API key or sign-in cookie", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Presents(context.Request) ? AdminAuth.ApiKeyScheme : AdminAuth.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AdminAuth.ApiKeyScheme, null)
            .AddCookie(AdminAuth.CookieScheme, o =>
            {
                var admin = configuration.GetSection(AdminOptions.SectionName).Get<AdminOptions>() ?? new AdminOptions();
                o.Cookie.Name = "og.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = admin.SecureCookie ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = admin.SessionLifetime;
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/denied";
                o.Events = new CookieAuthenticationEvents
                {
                    // The API answers 401/403; only UI pages redirect to the sign-in page.
                    OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = SessionCheck.ValidateAsync,
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminAuth.CanView, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Viewer, AdminRoles.Operator, AdminRoles.Admin))
            .AddPolicy(AdminAuth.CanOperate, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Operator, AdminRoles.Admin))
            .AddPolicy(AdminAuth.CanAdminister, p => p.RequireAuthenticatedUser().RequireRole(AdminRoles.Admin));

        services.TryAddSingleton<AccountRepository>();
        services.TryAddSingleton<AccountImporter>();
        services.TryAddSingleton<TenantImporter>();
        services.TryAddSingleton<AuditLogRepository>();
        services.TryAddSingleton<OutboundGuard.Storage.History.HistoryRepository>();
        services.TryAddSingleton<VerdictRepository>();
        services.TryAddSingleton<TenantRepository>();
        services.TryAddSingleton<OutboundGuard.Storage.AuthSources.TenantAuthSourceRepository>();
        services.TryAddSingleton<SpooledMessageRepository>();
        services.TryAddSingleton<AdminUserRepository>();
        services.TryAddSingleton<ApiKeyRepository>();
        services.TryAddSingleton<SignInFailureRepository>();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<CampaignFingerprintRepository>();
        services.TryAddSingleton<UrlListRepository>();
        services.TryAddSingleton<AdminSettingsRepository>();
        services.TryAddSingleton<AlertLogRepository>();
        services.TryAddSingleton<QuarantineRepository>();
        services.TryAddSingleton<OutboundGuard.Storage.Queue.HoldQueueRepository>();
        services.TryAddSingleton<ActivityRepository>();
        services.TryAddSingleton<RefusedAttemptRepository>();
        services.TryAddSingleton<IAccountActions, AccountActions>();

        services.TryAddSingleton<CampaignService>();
        services.TryAddSingleton<UrlListService>();
        services.TryAddSingleton<HeldMail>();
        services.TryAddSingleton<AccountEvidence>();
        services.TryAddSingleton<ReviewService>();
        services.TryAddSingleton<AlertSettings>();
        services.TryAddSingleton(sp => new AlertSenders(configuration, new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }), sp.GetRequiredService<TimeProvider>()));
        services.AddNotificationHub();
        services.AddHostedService<AccountAlertService>();
        services.AddComplaintFeedback(configuration);
        return services;
    }

    /// <summary>Adds authentication, authorization and antiforgery to the pipeline and maps the API, the OpenAPI document (/openapi/v1.json) and the UI.</summary>
    public static WebApplication MapOutboundGuardAdmin(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi().RequireAuthorization(AdminAuth.CanView);
        app.MapAccountsApi();
        app.MapReviewApi();
        app.MapQuarantineApi();
        app.MapHoldQueueApi();
        app.MapTenantsApi();
        app.MapTenantAuthSourceApi();
        app.MapAuditApi();
        app.MapHistoryApi();
        app.MapCampaignsApi();
        app.MapUrlListsApi();
        app.MapAlertsApi();
        app.MapApiKeysApi();
        app.MapUsersApi();
        app.MapSignInApi();
        app.MapComplaintsApi();
        app.MapAdminUi();
        return app;
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi"))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
            {
                AdminAuth.AddChallenges(context.Response);
            }

            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
