using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OutboundGuard.Admin.Security;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Import;

using OutboundGuard.Accounts;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Security;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Admin.Apis;

/// <summary>/api/accounts: list and filter, one account with its evidence, create, bulk import, limits, suspend, throttle, reinstate, credential reset.</summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/accounts").WithTags("Accounts").RequireAuthorization(AdminAuth.CanView);
        group.MapGet("/", ListAsync).WithSummary("Accounts, filtered by state (active, throttled, suspended) and tenant");
        group.MapGet("/{address}", GetAsync).WithSummary("One account with its evidence timeline: verdicts, state history, delivery outcomes, held mail");
        group.MapPost("/", CreateAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Create an account");
        group.MapPost("/import", ImportAsync).RequireAuthorization(AdminAuth.CanAdminister)
            .Accepts<string>(ImportRequest.MediaTypes[0], ImportRequest.MediaTypes[1..])
            .WithSummary("Create or update accounts from JSON Lines or CSV (upsert by address); ?check=true writes nothing");
        group.MapPut("/{address}/limits", SetLimitsAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Set the account's own limits (null = default)");
        group.MapDelete("/{address}", RemoveAsync).RequireAuthorization(AdminAuth.CanAdminister).WithSummary("Remove the account (reason in the query): its queued mail is held, its history stays, it no longer exists for SMTP");
        group.MapPost("/{address}/suspend", SuspendAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Suspend (reason required)");
        group.MapPost("/{address}/throttle", ThrottleAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Throttle: defer the account's mail with 451 4.7.1 for the given minutes (default 15; reason required)");
        group.MapPost("/{address}/reinstate", ReinstateAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Reinstate (reason required)");
        group.MapPost("/{address}/password", SetPasswordAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Set a new password (clears a required credential reset; reason required)");
        group.MapPost("/{address}/credential-reset", RequireResetAsync).RequireAuthorization(AdminAuth.CanOperate).WithSummary("Require a new password before the account may send (reason required)");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<AccountSummary>>, ValidationProblem>> ListAsync(AccountRepository accounts, string? state, string? tenant, int? limit, CancellationToken cancellationToken)
    {
        AccountState? parsed = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            try
            {
                parsed = AccountStates.Parse(state.Trim().ToLowerInvariant());
            }
            catch (FormatException e)
            {
                return ApiValidation.Problem("state", e.Message);
            }
        }

        if (limit is < 1 or > 10_000)
        {
            return ApiValidation.Problem("limit", "The limit must be between 1 and 10000.");
        }

        var rows = await accounts.ListAsync(string.IsNullOrWhiteSpace(tenant) ? null : tenant, parsed, limit ?? 1000, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AccountSummary>>([.. rows.Select(AccountSummary.From)]);
    }

    /// <summary>The same import as <c>outboundguard accounts import</c>: body = JSON Lines or CSV by Content-Type.</summary>
    public static async Task<Results<Ok<AccountImportResult>, ValidationProblem, ProblemHttpResult>> ImportAsync(HttpRequest request, bool? check, AccountImporter importer,
        TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (text, format, problem) = await ImportRequest.ReadAsync(request, "accounts", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        ImportParseResult<AccountImportRow> parsed;
        try
        {
            parsed = AccountImportParser.Parse(text, format, time.GetUtcNow());
        }
        catch (ImportFileException e)
        {
            return ApiValidation.Problem("file", e.Message);
        }

        var report = await importer.ImportAsync(parsed, "api", user.Actor(), check ?? false, cancellationToken: cancellationToken);
        return TypedResults.Ok(AccountImportResult.From(report));
    }

    public static async Task<Results<Ok<AccountDetail>, NotFound<ProblemDetails>>> GetAsync(string address, AccountEvidence evidence, CancellationToken cancellationToken)
        => await evidence.GetAsync(address, cancellationToken) is { } detail ? TypedResults.Ok(detail) : ApiValidation.NotFound($"No account {address}.");

    /// <summary>
    /// Creates an account in an existing tenant. Only an admin may create the tenant on the way, and only the
    /// address's own domain when no tenant is named; an operator gets 403 and a tenant named explicitly that does not
    /// exist gets 400, both saying to create the tenant first.
    /// </summary>
    public static async Task<Results<Created<AccountSummary>, ValidationProblem, Conflict<ProblemDetails>, ProblemHttpResult>> CreateAsync(CreateAccountRequest request, AccountRepository accounts, TenantRepository tenants, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Address))
        {
            return ApiValidation.Problem("address", "The account's address (local@domain) is required.");
        }

        string address;
        try
        {
            address = AccountRepository.NormalizeAddress(request.Address);
        }
        catch (ArgumentException e)
        {
            return ApiValidation.Problem("address", e.Message);
        }

        if (request.Password is not null && PasswordRule.Problem(request.Password) is { } weak)
        {
            return ApiValidation.Problem("password", weak);
        }

        var choice = await NewAccountTenant.ResolveAsync(tenants, address, request.Tenant, user.Actor(), mayCreate: user.IsInRole(AdminRoles.Admin), cancellationToken);
        switch (choice.Outcome)
        {
            case NewAccountTenantOutcome.BadDomain:
                return ApiValidation.Problem(choice.Named ? "tenant" : "address", choice.Problem!);
            case NewAccountTenantOutcome.NamedTenantMissing:
                return ApiValidation.Problem("tenant", $"No tenant {choice.Domain}; create it first (POST /api/tenants or outboundguard tenants add {choice.Domain}, admin role).");
            case NewAccountTenantOutcome.CreationNotAllowed:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Tenant does not exist",
                    detail: $"No tenant {choice.Domain}; creating a tenant needs the admin role. Ask an admin to create it first (POST /api/tenants or outboundguard tenants add {choice.Domain}).");
        }

        var tenant = choice.Domain;
        try
        {
            var created = await accounts.AddAsync(address, tenant, request.Password, user.Actor(), cancellationToken);
            return TypedResults.Created($"/api/accounts/{Uri.EscapeDataString(created.Address)}", AccountSummary.From(created));
        }
        catch (DuplicateAccountException e)
        {
            return TypedResults.Conflict(new ProblemDetails { Title = "Account exists", Detail = e.Message, Status = 409 });
        }
    }

    public static async Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> SetLimitsAsync(string address, SetLimitsRequest request, AccountRepository accounts, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in new[] { ("messagesPerMinute", request.MessagesPerMinute), ("messagesPerHour", request.MessagesPerHour), ("recipientsPerMinute", request.RecipientsPerMinute), ("recipientsPerHour", request.RecipientsPerHour), ("recipientsPerDay", request.RecipientsPerDay) })
        {
            if (value is < 0)
            {
                return ApiValidation.Problem(name, $"{name} must be 0 or more (or null for the default).");
            }
        }

        var limits = new AccountLimitsUpdate(request.MessagesPerMinute, request.MessagesPerHour, request.RecipientsPerMinute, request.RecipientsPerHour, request.RecipientsPerDay);
        return await ActAsync(address, request.Reason, accounts, (id, reason) => accounts.SetLimitsAsync(id, limits, user.Actor(), reason, cancellationToken), cancellationToken);
    }

    public static Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> SuspendAsync(string address, ReasonRequest request, AccountRepository accounts, IAccountActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
        => ActAsync(address, request.Reason, accounts, (id, reason) => actions.SuspendAsync(id, reason, user.Actor(), cancellationToken: cancellationToken), cancellationToken);

    public static async Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> ThrottleAsync(string address, ThrottleRequest request, AccountRepository accounts, IAccountActions actions, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var length = request.Minutes is { } minutes ? TimeSpan.FromMinutes(minutes) : AccountActions.ManualThrottleLength;
        if (length <= TimeSpan.Zero || length > AccountActions.MaxManualThrottleLength)
        {
            return ApiValidation.Problem("minutes", "minutes must be between 1 and 10080 (7 days), or left out for 15.");
        }

        return await ActAsync(address, request.Reason, accounts, (id, reason) => actions.ThrottleAsync(id, time.GetUtcNow() + length, reason, user.Actor(), cancellationToken: cancellationToken), cancellationToken);
    }

    public static Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> ReinstateAsync(string address, ReasonRequest request, AccountRepository accounts, IAccountActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
        => ActAsync(address, request.Reason, accounts, (id, reason) => actions.ReinstateAsync(id, reason, user.Actor(), cancellationToken), cancellationToken);

    public static Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> RequireResetAsync(string address, ReasonRequest request, AccountRepository accounts, IAccountActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
        => ActAsync(address, request.Reason, accounts, (id, reason) => actions.RequireNewPasswordAsync(id, reason, user.Actor(), cancellationToken), cancellationToken);

    public static async Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> SetPasswordAsync(string address, SetPasswordRequest request, AccountRepository accounts, IAccountActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (PasswordRule.Problem(request.Password) is { } weak)
        {
            return ApiValidation.Problem("password", weak);
        }

        return await ActAsync(address, request.Reason, accounts, (id, reason) => actions.SetPasswordAsync(id, request.Password!, reason, user.Actor(), cancellationToken), cancellationToken);
    }

    public static async Task<Results<Ok<AccountRemoval>, ValidationProblem, NotFound<ProblemDetails>>> RemoveAsync(string address, string? reason, AccountRepository accounts, IAccountActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(reason) is { } problem)
        {
            return problem;
        }

        // A removed account's tombstone address is found, but there is nothing left to remove.
        if (await accounts.FindAsync(address, cancellationToken) is not { } account
            || await actions.RemoveAsync(account.Id, reason!, user.Actor(), cancellationToken) is not { } removal)
        {
            return ApiValidation.NotFound($"No account {address}.");
        }

        return TypedResults.Ok(removal);
    }

    /// <summary>
    /// The one preamble and ending of an action on an account: a reason is required, the account must exist, and the
    /// answer is the account as it is afterwards.
    /// </summary>
    private static async Task<Results<Ok<AccountSummary>, ValidationProblem, NotFound<ProblemDetails>>> ActAsync(string address, string? reason, AccountRepository accounts, Func<long, string, Task> act, CancellationToken cancellationToken)
    {
        if (ApiValidation.CheckReason(reason) is { } problem)
        {
            return problem;
        }

        if (await accounts.FindAsync(address, cancellationToken) is not { } account)
        {
            return ApiValidation.NotFound($"No account {address}.");
        }

        await act(account.Id, reason!);
        return TypedResults.Ok(AccountSummary.From((await accounts.FindByIdAsync(account.Id, cancellationToken))!));
    }
}
