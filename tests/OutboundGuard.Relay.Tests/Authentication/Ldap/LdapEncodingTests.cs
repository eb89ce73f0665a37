using OutboundGuard.Relay.Authentication.Ldap;
using OutboundGuard.Storage.AuthSources;
using Xunit;

namespace OutboundGuard.Relay.Tests.Authentication.Ldap;

/// <summary>The BER the relay sends, against encodings worked out from RFC 4511 §5.1 / Appendix B and the filters of RFC 4515 §4.</summary>
public sealed class LdapEncodingTests
{
    [Theory]
    [InlineData(0L, "020100")]
    [InlineData(127L, "02017f")]
    [InlineData(128L, "02020080")]
    [InlineData(256L, "02020100")]
    [InlineData(-1L, "0201ff")]
    [InlineData(-129L, "0202ff7f")]
    [InlineData(2147483647L, "02047fffffff")]
    public void Integers_take_the_fewest_twos_complement_octets(long value, string hex)
    {
        var writer = new BerWriter();
        writer.WriteInteger(value);
        Assert.Equal(hex, Convert.ToHexStringLower(writer.Written));
    }

    [Theory]
    [InlineData(127, "047f", "308181")]
    [InlineData(128, "048180", "308183")]
    [InlineData(255, "0481ff", "30820102")]
    [InlineData(256, "04820100", "30820104")]
    [InlineData(70_000, "0483011170", "3083011175")]
    public void Lengths_use_the_short_form_below_128_and_the_fewest_octets_above(int length, string primitiveHeader, string constructedHeader)
    {
        var writer = new BerWriter();
        writer.StartConstructed(BerTags.Sequence);
        writer.WritePrimitive(BerTags.OctetString, new byte[length]);
        writer.EndConstructed();
        var written = Convert.ToHexStringLower(writer.Written);

        Assert.StartsWith(constructedHeader + primitiveHeader + "0000", written, StringComparison.Ordinal);
        Assert.Equal(constructedHeader.Length + primitiveHeader.Length + (2 * length), written.Length);
        var reader = new BerReader(writer.Written);
        Assert.Equal(length, reader.ReadConstructed(BerTags.Sequence).ReadElement(BerTags.OctetString).Length);
    }

    [Fact]
    public void A_simple_bind_request_is_encoded_as_rfc_4511_describes()
    {
        // LDAPMessage { messageID 1, BindRequest { version 3, name "cn=admin", simple [0] "secret" } }
        Assert.Equal("301a02010160150201030408636e3d61646d696e8006736563726574", Convert.ToHexStringLower(LdapRequests.Bind(1, "cn=admin", "secret")));
    }

    [Fact]
    public void The_starttls_request_names_the_rfc_4511_oid_and_the_unbind_request_is_an_empty_application_2()
    {
        Assert.Equal("301d02010177188016312e332e362e312e342e312e313436362e3230303337", Convert.ToHexStringLower(LdapRequests.StartTls(1)));
        Assert.Equal("30050201074200", Convert.ToHexStringLower(LdapRequests.Unbind(7)));
    }

    [Fact]
    public void A_search_request_carries_base_scope_no_alias_dereferencing_limits_filter_and_attributes()
    {
        Assert.True(LdapFilter.TryParse("(uid=a)", out var filter, out _));

        var encoded = LdapRequests.Search(2, "dc=x", LdapSearchScope.WholeSubtree, filter, ["cn"], 2, 5);

        // 63: SearchRequest; "dc=x"; scope 2; derefAliases 0; sizeLimit 2; timeLimit 5; typesOnly FALSE; (uid=a); { "cn" }
        Assert.Equal("302a0201026325040464633d780a01020a0100020102020105010100a308040375696404016130040402636e",
            Convert.ToHexStringLower(encoded));
    }

    [Theory]
    [InlineData("(cn=Babs Jensen)", "a3110402636e040b42616273204a656e73656e")]
    [InlineData("(!(cn=Tim Howes))", "a211a30f0402636e040954696d20486f776573")]
    [InlineData("(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))", "a037a315040b6f626a656374436c6173730406506572736f6ea11ea30c0402736e04064a656e73656ea40e0402636e3008800642616273204a")]
    [InlineData("(o=univ*of*mich*)", "a41504016f30108004756e697681026f6681046d696368")]
    [InlineData("(seeAlso=)", "a30b0407736565416c736f0400")]
    [InlineData("(o=Parens R Us \\28for all your parenthetical needs\\29)", "a33304016f042e506172656e7320522055732028666f7220616c6c20796f757220706172656e746865746963616c206e6565647329")]
    [InlineData("(cn=*\\2A*)", "a4090402636e300381012a")]
    [InlineData("(filename=C:\\5cMyFile)", "a315040866696c656e616d650409433a5c4d7946696c65")]
    [InlineData("(bin=\\00\\00\\00\\04)", "a30b040362696e040400000004")]
    [InlineData("(sn=Lu\\c4\\8di\\c4\\87)", "a30d0402736e04074c75c48d69c487")]
    [InlineData("(objectClass=*)", "870b6f626a656374436c617373")]
    [InlineData("(uid>=m)", "a508040375696404016d")]
    [InlineData("(uid<=m)", "a608040375696404016d")]
    [InlineData("(cn~=babs)", "a80a0402636e040462616273")]
    public void Rfc_4515_filters_are_encoded_as_rfc_4511_section_4_5_1_says(string text, string hex)
    {
        Assert.True(LdapFilter.TryParse(text, out var filter, out var problem), problem);
        var writer = new BerWriter();

        LdapFilterEncoder.Write(writer, filter);

        Assert.Equal(hex, Convert.ToHexStringLower(writer.Written));
    }

    [Theory]
    [InlineData("(cn=Babs", "the filter ends where ')' was expected")]
    [InlineData("cn=Babs", "'(' was expected")]
    [InlineData("(&)", "needs at least one filter inside")]
    [InlineData("(cn=a(b))", "( inside a value must be written \\28")]
    [InlineData("(cn:dn:=x)", "extensible match (:=) is not supported")]
    [InlineData("(cn=\\zz)", "\\ must be followed by two hex digits")]
    [InlineData("(cn>=a*)", "* is only allowed with =")]
    [InlineData("(cn=a**b)", "two * in a row")]
    [InlineData("(=x)", "an attribute name was expected")]
    [InlineData("(cn=x))", "text after the filter's closing parenthesis")]
    [InlineData("(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(!(cn=x))))))))))))))))))", "nested deeper than 16 levels")]
    public void A_malformed_filter_is_refused_saying_what_and_where(string text, string problem)
    {
        Assert.False(LdapFilter.TryParse(text, out _, out var found));
        Assert.Contains(problem, found, StringComparison.Ordinal);
        Assert.Contains("is malformed at character", found, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tenant_filter_with_placeholders_parses_as_written_and_a_malformed_one_is_refused_at_configuration()
    {
        var good = new TenantAuthSource { Kind = AuthSourceKind.Ldap, Endpoint = "ldap://ldap.example", LdapSearchBase = "dc=example", LdapSearchFilter = "(&(mail={user})(|(ou={domain})(uid={local})))" };
        var bad = good with { LdapSearchFilter = "(&(mail={user})" };

        Assert.Null(good.Problem());
        Assert.Contains("The LDAP filter '(&(mail={user})' is malformed", bad.Problem(), StringComparison.Ordinal);
    }
}
