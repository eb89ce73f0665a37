namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>SearchRequest's scope (RFC 4511 §4.5.1.2).</summary>
public enum LdapSearchScope
{
    BaseObject = 0,
    SingleLevel = 1,
    WholeSubtree = 2,
}
