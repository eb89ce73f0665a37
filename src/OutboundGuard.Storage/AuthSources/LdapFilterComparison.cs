namespace OutboundGuard.Storage.AuthSources;

/// <summary>The comparing filter items of RFC 4515 §3 (<c>=</c>, <c>&gt;=</c>, <c>&lt;=</c>, <c>~=</c>).</summary>
public enum LdapFilterComparison
{
    Equality,
    GreaterOrEqual,
    LessOrEqual,
    Approximate,
}
