namespace OutboundGuard.Storage.Tenants;

/// <summary>
/// A tenant whose connector ranges hold a client address, with what the relay needs to tell it from the other
/// tenants of the same range: its verified domains and, on a shared platform, what names it there.
/// </summary>
public sealed class ConnectorTenant
{
    public long Id { get; set; }

    /// <summary>The tenant's own domain.</summary>
    public string Domain { get; set; } = "";

    /// <summary>True when a range holding the address is marked shared-platform: the address proves nothing about the tenant.</summary>
    public bool SharedPlatform { get; set; }

    /// <summary>The domains the tenant may send as (its own first, then those added), each with its subdomains.</summary>
    public string[] Domains { get; set; } = [];

    /// <summary>Header field names (lower-case) of the registered platform tenant identifiers, parallel to <see cref="HeaderValues"/>.</summary>
    public string[] HeaderNames { get; set; } = [];

    /// <summary>The registered platform tenant identifiers, parallel to <see cref="HeaderNames"/>.</summary>
    public string[] HeaderValues { get; set; } = [];

    /// <summary>Registered TLS client certificate names (lower-case DNS names), accepted from a chain-validated certificate only.</summary>
    public string[] CertificateNames { get; set; } = [];

    /// <summary>True when <paramref name="domain"/> is one of <see cref="Domains"/> or a subdomain of one.</summary>
    public bool Holds(string domain)
    {
        domain = domain.TrimEnd('.');
        return Domains.Any(d => domain.Equals(d, StringComparison.OrdinalIgnoreCase)
            || domain.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));
    }
}
