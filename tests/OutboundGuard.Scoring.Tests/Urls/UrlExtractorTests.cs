using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Tests.Urls;

public class UrlExtractorTests
{
    [Theory]
    [InlineData("https://Login.Example.COM/path?x=1", "https://login.example.com/path?x=1", "example.com")]
    [InlineData("http://www.shop.example.co.uk:80/", "http://www.shop.example.co.uk/", "example.co.uk")]
    [InlineData("https://paypal.com@evil.example/login", "https://evil.example/login", "evil.example")]
    [InlineData("http://%6d%69crosoft-help.example/", "http://microsoft-help.example/", "microsoft-help.example")]
    [InlineData("https:\\\\evil.example\\x", "https://evil.example/x", "evil.example")]
    [InlineData("www.plain.example/a", "http://www.plain.example/a", "plain.example")]
    [InlineData("https://user.github.io/phish", "https://user.github.io/phish", "user.github.io")]
    [InlineData("https://bucket.s3.amazonaws.com/x", "https://bucket.s3.amazonaws.com/x", "bucket.s3.amazonaws.com")]
    public void Urls_are_normalised_to_lower_case_ASCII_without_user_info(string raw, string expected, string registrable)
    {
        Assert.True(UrlExtractor.TryNormalise(raw, null, out ExtractedUrl? url));
        Assert.Equal(expected, url.Url);
        Assert.Equal(registrable, url.RegistrableDomain);
    }

    [Fact]
    public void IDN_hosts_become_punycode_and_keep_their_unicode_form()
    {
        Assert.True(UrlExtractor.TryNormalise("https://аpple.com/id", null, out ExtractedUrl? url));
        Assert.Equal("xn--pple-43d.com", url.Host);
        Assert.Equal("аpple.com", url.UnicodeHost);
    }

    [Fact]
    public void IP_literals_including_the_decimal_form_are_recognised()
    {
        Assert.True(UrlExtractor.TryNormalise("http://3232235777/x", null, out ExtractedUrl? dec));
        Assert.True(dec.IsIpLiteral);
        Assert.Equal("192.168.1.1", dec.Host);
        Assert.True(UrlExtractor.TryNormalise("http://203.0.113.9:8080/x", null, out ExtractedUrl? dotted));
        Assert.Equal("http://203.0.113.9:8080/x", dotted.Url);
    }

    [Fact]
    public void Mailto_and_relative_links_are_ignored()
    {
        Assert.False(UrlExtractor.TryNormalise("mailto:a@b.example", null, out _));
        Assert.False(UrlExtractor.TryNormalise("/relative", null, out _));
    }

    [Fact]
    public void HTML_links_keep_their_visible_text_and_redirectors_are_unwrapped()
    {
        var mail = TestData.Mail("a@tenant.example", "hi", html:
            "<p>Sign in at <a href='https://outlook-verify.example/login'>outlook.com</a> or " +
            "<a href='https://www.google.com/url?q=https%3A%2F%2Ftarget.example%2Fp&sa=D'>here</a> or https://bit.ly/abc</p>");
        IReadOnlyList<ExtractedUrl> urls = UrlExtractor.Extract(mail);
        Assert.Equal(["outlook-verify.example", "google.com", "target.example", "bit.ly"], urls.Select(u => u.RegistrableDomain));
        Assert.Equal("outlook.com", urls[0].VisibleText);
        Assert.Equal("www.google.com", urls[2].RedirectedFrom);
        Assert.True(urls[3].IsShortener);
    }

    [Fact]
    public void Plain_text_links_are_found()
    {
        var mail = TestData.Mail("a@tenant.example", "hi", text: "See https://docs.example.org/a, and www.other.example.");
        Assert.Equal(["https://docs.example.org/a", "http://www.other.example/"], UrlExtractor.Extract(mail).Select(u => u.Url));
    }
}
