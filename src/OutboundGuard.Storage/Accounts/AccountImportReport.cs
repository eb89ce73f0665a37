using OutboundGuard.Storage.Import;

namespace OutboundGuard.Storage.Accounts;

/// <summary>The outcome of an account import (or of a check), with the tenants it created.</summary>
public sealed record AccountImportReport : ImportReport
{
    protected override string Noun => "account";

    /// <summary>Tenants that did not exist and were (or would be) created.</summary>
    public int TenantsCreated { get; init; }
}
