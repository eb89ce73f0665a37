using OutboundGuard.Relay.Authentication;
using OutboundGuard.Storage.AuthSources;
using Xunit;

namespace OutboundGuard.Relay.Tests.Authentication;

/// <summary>The pure parts of directory AUTH: escaping of logins into DNs and filters, directory times, endpoints and settings.</summary>
public sealed class AuthSourceSettingsTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a,b+c=d", "a\\,b\\+c\\=d")]
    [InlineData("#lead", "\\#lead")]
    [InlineData(" both ", "\\ both\\ ")]
    [InlineData("x\"<y>;\\", "x\\\"\\<y\\>\\;\\\\")]
    public void A_login_put_into_a_dn_is_escaped_as_rfc_4514_says(string login, string escaped)
        => Assert.Equal(escaped, LdapPasswordVerifier.EscapeDnValue(login));

    [Theory]
    [InlineData("alice@tenant.example", "alice@tenant.example")]
    [InlineData("*", "\\2a")]
    [InlineData("a)(uid=*", "a\\29\\28uid=\\2a")]
    [InlineData("back\\slash", "back\\5cslash")]
    public void A_login_put_into_a_filter_is_escaped_as_rfc_4515_says(string login, string escaped)
        => Assert.Equal(escaped, LdapPasswordVerifier.EscapeFilterValue(login));

    [Theory]
    [InlineData("20190304050607Z", 2019, 3, 4, 5, 6, 7)]
    [InlineData("20190304050607.0Z", 2019, 3, 4, 5, 6, 7)]
    public void A_createTimestamp_is_read_as_utc(string text, int year, int month, int day, int hour, int minute, int second)
    {
        Assert.True(LdapPasswordVerifier.TryParseGeneralizedTime(text, out var at));
        Assert.Equal(new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero), at);
    }

    [Theory]
    [InlineData("unix:/run/dovecot/auth-client", "unix:/run/dovecot/auth-client")]
    [InlineData("/run/dovecot/auth-client", "unix:/run/dovecot/auth-client")]
    [InlineData("127.0.0.1:12345", "127.0.0.1:12345")]
    [InlineData("auth.tenant.example:12345", "auth.tenant.example:12345")]
    public void Dovecot_endpoints_are_a_unix_socket_or_host_and_port(string text, string parsed)
    {
        Assert.True(DovecotEndpoint.TryParse(text, out var endpoint, out _));
        Assert.Equal(parsed, endpoint.ToString());
    }

    [Theory]
    [InlineData("unix:relative")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("")]
    public void A_malformed_dovecot_endpoint_is_refused_with_an_example(string text)
    {
        Assert.False(DovecotEndpoint.TryParse(text, out _, out var problem));
        Assert.Contains("unix:/run/dovecot/auth-client", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_incomplete_ldap_setting_is_named()
    {
        var ldap = new TenantAuthSource { Kind = AuthSourceKind.Ldap, Endpoint = "ldap://ldap.tenant.example" };

        Assert.Contains("bind DN template", ldap.Problem(), StringComparison.Ordinal);
        Assert.Contains("names no user", (ldap with { LdapBindDn = "cn=fixed,dc=example" }).Problem(), StringComparison.Ordinal);
        Assert.Contains("needs its password", (ldap with { LdapSearchBase = "dc=example", LdapSearchBindDn = "cn=reader,dc=example" }).Problem(), StringComparison.Ordinal);
        Assert.Contains("not an ldap:// or ldaps:// URL", (ldap with { Endpoint = "http://x", LdapBindDn = "uid={local}" }).Problem(), StringComparison.Ordinal);
        Assert.Null((ldap with { LdapBindDn = "uid={local},ou=people,dc=example" }).Problem());
    }
}
