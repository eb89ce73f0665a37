using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Tests.Urls;

/// <summary>The full Public Suffix List, on its tricky entries: wildcards, exceptions, private sections, IDN rules.</summary>
public sealed class PublicSuffixListTests
{
    [Fact]
    public void The_full_list_is_loaded_not_the_default_rule_alone()
    {
        Assert.True(PublicSuffixList.Default.Count > 5_000, PublicSuffixes.Source);
    }

    [Theory]
    [InlineData("www.paypal.co.uk", "paypal.co.uk")]
    [InlineData("a.b.example.com", "example.com")]
    [InlineData("shop.example.gov.bd", "example.gov.bd")] // ICANN: gov.bd (was one label short with the old subset)
    [InlineData("foo.bar.ck", "foo.bar.ck")] // *.ck: bar.ck is a public suffix
    [InlineData("www.ck", "www.ck")] // !www.ck: the exception is registrable
    [InlineData("a.www.ck", "www.ck")]
    [InlineData("shop.city.kawasaki.jp", "city.kawasaki.jp")] // !city.kawasaki.jp under *.kawasaki.jp
    [InlineData("shop.other.kawasaki.jp", "shop.other.kawasaki.jp")]
    [InlineData("login.evil-site.github.io", "evil-site.github.io")] // private section
    [InlineData("x.y.blogspot.com", "y.blogspot.com")]
    [InlineData("paypal.xn--p1ai", "paypal.xn--p1ai")] // .рф in ASCII form
    [InlineData("a.example.xn--85x722f", "example.xn--85x722f")] // an IDN TLD
    [InlineData("mail.example.unknowntld", "example.unknowntld")] // the default rule "*"
    [InlineData("co.uk", "co.uk")] // a public suffix itself
    [InlineData("localhost", "localhost")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void Registrable_domains_follow_the_list(string host, string registrable)
    {
        Assert.Equal(registrable, PublicSuffixes.RegistrableDomain(host));
    }

    [Fact]
    public void A_list_is_parsed_with_comments_wildcards_exceptions_and_unicode_rules()
    {
        var list = PublicSuffixList.Parse(new StringReader("// comment\n\ncom\n*.ck\n!www.ck\n公司.cn extra words\n"), "test");

        Assert.Equal(1, list.SuffixLabels(["example", "com"]));
        Assert.Equal(2, list.SuffixLabels(["a", "b", "ck"]));
        Assert.Equal(1, list.SuffixLabels(["www", "ck"]));
        Assert.Equal(2, list.SuffixLabels(["x", "xn--55qx5d", "cn"]));
        Assert.Equal(1, list.SuffixLabels(["x", "unlisted"]));
        Assert.Equal(5, list.Count);
    }
}
