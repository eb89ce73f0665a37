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

                return LdapSearchBindDn is not null && string.IsNullOrEmpty(LdapSearchBindPassword)
                    ? "The LDAP search bind DN needs its password."
                    : null;
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
