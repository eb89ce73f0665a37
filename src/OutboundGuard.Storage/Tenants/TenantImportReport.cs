using OutboundGuard.Storage.Import;

namespace OutboundGuard.Storage.Tenants;

/// <summary>The outcome of a tenant import (or of a check); refusals include clashes with other tenants found at import.</summary>
public sealed record TenantImportReport : ImportReport
{
    protected override string Noun => "tenant";
}
