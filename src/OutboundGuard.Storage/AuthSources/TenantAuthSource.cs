using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>
/// A tenant's authentication source as stored in <c>tenant_auth_sources</c>. A tenant without a row authenticates
/// locally (<see cref="Local"/>).
/// </summary>
public sealed record TenantAuthSource
{
    /// <summary>The source of tenants that have none configured: the accounts' own password hashes.</summary>
    public static TenantAuthSource Local { get; } = new();

    public AuthSourceKind Kind { get; init; } = AuthSourceKind.Local;

    /// <summary>Dovecot: <c>unix:/run/dovecot/auth-client</c> or <c>host:port</c>; LDAP: <c>ldap://host:port</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>LDAP bind DN template, e.g. <c>uid={local},ou=people,dc=tenant,dc=example</c>; placeholders are DN-escaped.</summary>
    public string? LdapBindDn { get; init; }

    /// <summary>LDAP search-then-bind: the base DN searched (subtree) for the user's entry.</summary>
    public string? LdapSearchBase { get; init; }

    /// <summary>LDAP search-then-bind: the filter template, e.g. <c>(mail={user})</c>; placeholders are filter-escaped.</summary>
    public string? LdapSearchFilter { get; init; }

    /// <summary>LDAP search-then-bind: the DN the search binds as; anonymous when null.</summary>
    public string? LdapSearchBindDn { get; init; }

    /// <summary>The password of <see cref="LdapSearchBindDn"/>. Never shown by the CLI, the API or logs.</summary>
    public string? LdapSearchBindPassword { get; init; }

    /// <summary>
    /// LDAP: how binds to an <c>ldap://</c> endpoint are protected (ignored for <c>ldaps://</c>, always TLS). New settings
    /// default to StartTLS; settings stored before TLS was supported read as <see cref="LdapTls.None"/>.
    /// </summary>
    public LdapTls LdapTls { get; init; } = LdapTls.StartTls;

    /// <summary>
    /// LDAP over TLS: the CA certificates (PEM) the directory's certificate must chain to; null for the system trust
    /// store. Either way the certificate must also name the endpoint's host.
    /// </summary>
    public string? LdapTlsCaPem { get; init; }

    /// <summary>Longest CA PEM accepted: a few certificates, not a bundle of the world.</summary>
    public const int MaxCaPemLength = 65_536;

    /// <summary>Whether binds to this LDAP source are protected by TLS (ldaps://, or ldap:// with StartTLS).</summary>
    public bool LdapUsesTls => Endpoint?.StartsWith("ldaps:", StringComparison.OrdinalIgnoreCase) == true || LdapTls == LdapTls.StartTls;

    /// <summary>
    /// The age given to an account created at its first directory AUTH when the directory tells none (Dovecot never
    /// does; LDAP's <c>createTimestamp</c> wins when readable). Null: the account starts as new.
    /// </summary>
    public DateTimeOffset? EstablishedSince { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Null when the settings are complete and well-formed for <see cref="Kind"/>, else what is wrong, naming the setting.</summary>
    public string? Problem()
    {
        switch (Kind)
        {
            case AuthSourceKind.Local:
                return null;
            case AuthSourceKind.Dovecot:
                return DovecotEndpoint.TryParse(Endpoint, out _, out var problem) ? null : problem;
            default:
                if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0)
                {
                    return $"The LDAP endpoint '{Endpoint}' is not an ldap:// or ldaps:// URL, e.g. ldap://ldap.tenant.example:389.";
                }

                if (string.IsNullOrWhiteSpace(LdapBindDn) == string.IsNullOrWhiteSpace(LdapSearchBase))
                {
                    return "Give either an LDAP bind DN template (e.g. uid={local},ou=people,dc=tenant,dc=example) or a search base (search-then-bind), not both.";
                }

                if (LdapBindDn is { } template && !template.Contains("{user}", StringComparison.Ordinal) && !template.Contains("{local}", StringComparison.Ordinal))
                {
                    return $"The LDAP bind DN template '{template}' names no user: put {{user}} (the whole login) or {{local}} (the part before @) in it.";
                }

                if (LdapSearchBase is not null && LdapSearchFilter is { } filter && !filter.Contains("{user}", StringComparison.Ordinal) && !filter.Contains("{local}", StringComparison.Ordinal))
                {
                    return $"The LDAP search filter '{filter}' names no user: put {{user}} or {{local}} in it, e.g. (mail={{user}}).";
                }

                // The placeholders are plain value characters to RFC 4515, so the template parses as it is written.
                if (LdapSearchBase is not null && LdapSearchFilter is { } written && !LdapFilter.TryParse(written, out _, out var filterProblem))
                {
                    return filterProblem;
                }

                if (uri.Scheme == "ldaps" && LdapTls == LdapTls.None)
                {
                    return "An ldaps:// endpoint is always TLS: leave out the LDAP TLS setting none, or use an ldap:// URL.";
                }

                if (LdapTlsCaPem is { } pem && CaProblem(pem) is { } caProblem)
                {
                    return caProblem;
                }

                return LdapSearchBindDn is not null && string.IsNullOrEmpty(LdapSearchBindPassword)
                    ? "The LDAP search bind DN needs its password."
                    : null;
        }
    }

    /// <summary>Null when <paramref name="pem"/> holds one or more CA certificates in PEM, else what is wrong.</summary>
    public static string? CaProblem(string pem)
    {
        if (pem.Length > MaxCaPemLength)
        {
            return $"The LDAP CA certificate file is larger than {MaxCaPemLength} characters.";
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(pem);
            return certificates.Count == 0 ? "The LDAP CA certificate file holds no PEM certificate (-----BEGIN CERTIFICATE-----)." : null;
        }
        catch (CryptographicException e)
        {
            return $"The LDAP CA certificate file is not readable PEM: {e.Message}";
        }
    }

    /// <summary>The CA certificates as shown to operators: subject and SHA-256 fingerprint of each; the system trust store when none.</summary>
    public static string DescribeCa(string? pem)
    {
        if (pem is null)
        {
            return "system trust store";
        }

        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        return string.Join("; ", certificates.Select(c => $"{c.Subject} (SHA-256 {c.GetCertHashString(HashAlgorithmName.SHA256)})"));
    }

    /// <summary>The text stored in <c>ldap_tls</c> and used by the CLI and API: <c>none</c> or <c>starttls</c>.</summary>
    public static string ToText(LdapTls tls) => tls == LdapTls.None ? "none" : "starttls";

    /// <summary>Parses <c>none</c> or <c>starttls</c> (any case).</summary>
    public static bool TryParseLdapTls(string? text, out LdapTls tls)
    {
        switch ((text ?? "").Trim().ToLowerInvariant())
        {
            case "none":
                tls = LdapTls.None;
                return true;
            case "starttls":
                tls = LdapTls.StartTls;
                return true;
            default:
                tls = LdapTls.StartTls;
                return false;
        }
    }

    /// <summary>The text stored in <c>kind</c> and used by the CLI and API.</summary>
    public static string ToText(AuthSourceKind kind) => kind switch
    {
        AuthSourceKind.Dovecot => "dovecot",
        AuthSourceKind.Ldap => "ldap",
        _ => "local",
    };

    /// <summary>Parses <c>local</c>, <c>dovecot</c> or <c>ldap</c> (any case).</summary>
    public static bool TryParseKind(string? text, out AuthSourceKind kind)
    {
        kind = (text ?? "").Trim().ToLowerInvariant() switch
        {
            "local" => AuthSourceKind.Local,
            "dovecot" => AuthSourceKind.Dovecot,
            "ldap" => AuthSourceKind.Ldap,
            _ => (AuthSourceKind)(-1),
        };
        return kind >= 0;
    }
}
