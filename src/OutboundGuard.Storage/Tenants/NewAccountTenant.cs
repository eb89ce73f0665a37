namespace OutboundGuard.Storage.Tenants;

/// <summary>What became of the tenant a new account asked for (<see cref="NewAccountTenant.ResolveAsync"/>).</summary>
public enum NewAccountTenantOutcome
{
    /// <summary>The tenant exists (or was created just now): the account can be added to it.</summary>
    Ready,

    /// <summary>The tenant's domain is not a domain name; <see cref="NewAccountTenant.Problem"/> says why.</summary>
    BadDomain,

    /// <summary>A tenant was named explicitly and does not exist: it is never created on the way.</summary>
    NamedTenantMissing,

    /// <summary>The address's own domain has no tenant and the caller may not create tenants.</summary>
    CreationNotAllowed,
}

/// <summary>
/// The tenant a new account goes into, one rule for <c>accounts add</c> and <c>POST /api/accounts</c>: the tenant
/// named, which must exist, or else the address's own domain, created on the way (audited <c>tenant.create</c>) when the
/// caller may create tenants. A bulk import creates the tenants its lines name (docs/onboarding.md): an admin's
/// onboarding file, checked first with <c>--check</c>.
/// </summary>
/// <param name="Domain">The tenant's domain as asked for (trimmed; the address's domain when none was named).</param>
/// <param name="Named">Whether the caller named the tenant rather than leaving it to the address.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Problem">Why the domain is unusable, for <see cref="NewAccountTenantOutcome.BadDomain"/>.</param>
public readonly record struct NewAccountTenant(string Domain, bool Named, NewAccountTenantOutcome Outcome, string? Problem = null)
{
    /// <summary>Finds or (when allowed and not named) creates the tenant for an account with this normalised address.</summary>
    public static async Task<NewAccountTenant> ResolveAsync(TenantRepository tenants, string address, string? named, string actor, bool mayCreate, CancellationToken cancellationToken = default)
    {
        var isNamed = !string.IsNullOrWhiteSpace(named);
        var domain = isNamed ? named!.Trim() : address[(address.LastIndexOf('@') + 1)..];
        if (TenantRepository.DomainProblem(domain) is { } problem)
        {
            return new(domain, isNamed, NewAccountTenantOutcome.BadDomain, problem);
        }

        if (await tenants.FindAsync(domain, cancellationToken) is not null)
        {
            return new(domain, isNamed, NewAccountTenantOutcome.Ready);
        }

        if (isNamed)
        {
            return new(domain, isNamed, NewAccountTenantOutcome.NamedTenantMissing);
        }

        if (!mayCreate)
        {
            return new(domain, isNamed, NewAccountTenantOutcome.CreationNotAllowed);
        }

        await tenants.AddAsync(domain, actor, cancellationToken);
        return new(domain, isNamed, NewAccountTenantOutcome.Ready);
    }
}
