using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Tests.Detectors;

public class UrlReputationDetectorTests
{
    private static List<Evidence> Inspect(string html, UrlReputationOptions? options = null, IReadOnlyDictionary<string, string>? listed = null, IReadOnlyList<string>? fresh = null)
    {
        var mail = TestData.Mail("a@tenant.example", "hi", html: html);
        var history = new AccountHistory
        {
            Now = TestData.Start,
            Urls = UrlExtractor.Extract(mail),
            ListedDomains = listed ?? new Dictionary<string, string>(),
            DomainsNewToTenant = fresh ?? [],
        };
        var findings = new List<Evidence>();
        new UrlReputationDetector(options).Inspect(TestData.Message(TestData.Account(), content: mail), history, findings);
        return findings;
    }

    [Fact]
    public void Link_text_naming_another_domain_and_a_brand_look_alike_are_reported()
    {
        var findings = Inspect("<a href='https://login.outlook-verify.example/x'>outlook.com</a>");
        Assert.Equal(
            [("link to outlook-verify.example imitates outlook", 50.0), ("link text says outlook.com, href goes to login.outlook-verify.example", 40.0)],
            findings.Select(f => (f.Text, f.Weight)));
    }

    [Fact]
    public void A_punycode_look_alike_shows_both_forms()
    {
        var e = Assert.Single(Inspect("<a href='https://аpple.com/id'>Apple ID</a>"));
        Assert.Equal("link to xn--pple-43d.com (аpple.com) imitates apple", e.Text);
    }

    [Fact]
    public void Local_blocklist_quarantines_and_allowlist_silences()
    {
        var options = new UrlReputationOptions { Blocklist = { "bad.example" }, Allowlist = { "paypa1.example" } };
        var findings = Inspect("<a href='https://x.bad.example/'>x</a> <a href='https://paypa1.example/'>y</a>", options);
        var e = Assert.Single(findings);
        Assert.Equal("link to bad.example is on the local blocklist", e.Text);
        Assert.Equal(VerdictAction.Quarantine, e.Forces);
    }

    [Fact]
    public void DNS_listings_IP_literals_shorteners_and_new_domains_are_reported()
    {
        var findings = Inspect("<a href='http://203.0.113.9/a'>a</a> <a href='https://spam.example/'>b</a> <a href='https://bit.ly/x'>c</a>",
            listed: new Dictionary<string, string> { ["spam.example"] = "dbl.example.net" }, fresh: ["spam.example"]);
        Assert.Equal(
        [
            "link to IP address 203.0.113.9 instead of a domain name",
            "link domain spam.example is listed by dbl.example.net",
            "link through shortener bit.ly hides its target",
            "1 link domain(s) never seen in tenant tenant.example before: spam.example",
        ], findings.Select(f => f.Text));
    }

    [Fact]
    public void An_honest_link_finds_nothing()
    {
        Assert.Empty(Inspect("<a href='https://www.tenant.example/news'>www.tenant.example</a> <a href='https://partner.example/'>our partner</a>"));
    }
}
