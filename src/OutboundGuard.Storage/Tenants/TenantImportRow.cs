namespace OutboundGuard.Storage.Tenants;

/// <summary>
/// One tenant to create or update by <see cref="TenantImporter"/>, keyed by its domain. A null or empty field is
/// "not given": an import adds what is missing and never clears or removes a setting.
/// </summary>
public sealed record TenantImportRow
{
    /// <summary>Where the row came from in its file (1-based), for the report.</summary>
    public int Line { get; init; }

    /// <summary>The tenant's domain (lower-case), the key of the upsert.</summary>
    public required string Domain { get; init; }

    /// <summary>The address that receives the tenant's alerts.</summary>
    public string? AdminEmail { get; init; }

    /// <summary>Further domains the tenant sends as.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>The tenant's own connector ranges (CIDR, normalised).</summary>
    public IReadOnlyList<string> ConnectorIps { get; init; } = [];

    /// <summary>Shared-platform connector ranges (CIDR, normalised).</summary>
    public IReadOnlyList<string> PlatformIps { get; init; } = [];

    /// <summary>Platform tenant identifiers: header field name (lower-case) and value (lower-case).</summary>
    public IReadOnlyList<(string Header, string Value)> PlatformIds { get; init; } = [];

    /// <summary>Client certificate common names (lower-case).</summary>
    public IReadOnlyList<string> CertNames { get; init; } = [];
}
