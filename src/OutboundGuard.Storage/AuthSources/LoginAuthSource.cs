namespace OutboundGuard.Storage.AuthSources;

/// <summary>The tenant an AUTH login belongs to and where that tenant's passwords are checked.</summary>
public sealed record LoginAuthSource(long TenantId, string Tenant, TenantAuthSource Source);
