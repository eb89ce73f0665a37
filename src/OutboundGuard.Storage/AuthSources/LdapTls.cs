namespace OutboundGuard.Storage.AuthSources;

/// <summary>How binds to an <c>ldap://</c> endpoint are protected; an <c>ldaps://</c> endpoint is always TLS.</summary>
public enum LdapTls
{
    /// <summary>Plain LDAP: passwords cross the network in clear text. Only what settings stored before TLS was supported keep.</summary>
    None,

    /// <summary>The StartTLS extended operation (RFC 4511 §4.14) before any bind; a refusal is an unavailable directory. The default.</summary>
    StartTls,
}
