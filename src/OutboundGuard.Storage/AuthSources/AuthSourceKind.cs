namespace OutboundGuard.Storage.AuthSources;

/// <summary>Where a tenant's SMTP AUTH passwords are checked.</summary>
public enum AuthSourceKind
{
    /// <summary>The accounts' own password hashes in PostgreSQL (the default).</summary>
    Local,

    /// <summary>A Dovecot passdb, over the Dovecot authentication protocol (what Postfix's <c>smtpd_sasl_type = dovecot</c> speaks).</summary>
    Dovecot,

    /// <summary>An LDAP directory, by a simple bind as the user's entry.</summary>
    Ldap,
}
