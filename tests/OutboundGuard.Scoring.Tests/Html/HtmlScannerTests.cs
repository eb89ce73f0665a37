using System.Text;
using AngleSharp.Html.Parser;
using OutboundGuard.Scoring.Html;

namespace OutboundGuard.Scoring.Tests.Html;

public class HtmlScannerTests
{
    [Fact]
    public void Visible_text_leaves_out_script_style_title_and_comments_and_decodes_references()
    {
        HtmlScan scan = HtmlScanner.Scan(
            "<html><head><title>Hidden title</title><style>p{color:red}</style></head><body>" +
            "<script>var x = '<a href=\"http://script.example/\">no</a>';</script>" +
            "<!-- a comment --><p>Fish &amp; chips&nbsp;for &#163;5 &#x26; &lt;more&gt; &copy 2026</p><p>Next</p></body></html>");
        Assert.Equal("Fish & chips\u00a0for £5 & <more> © 2026 Next ", scan.Text);
        Assert.Empty(scan.Anchors);
    }

    [Fact]
    public void Links_keep_their_decoded_href_and_collapsed_visible_text()
    {
        HtmlScan scan = HtmlScanner.Scan(
            "<p>Go <A HREF='https://a.example/x?a=1&amp;b=2&copy=3'>  your\r\n <b>account</b> </A> or " +
            "<a href=https://b.example/>b.example<a href=\"https://c.example/\">c</a>" +
            "<map><area shape=rect href=\"https://d.example/\"></map><a name=top>no href</a><a href>empty</a></p>");
        Assert.Equal(
            [new("https://a.example/x?a=1&b=2&copy=3", "your account"), new("https://b.example/", "b.example"), new("https://c.example/", "c"), new("https://d.example/", string.Empty), new(string.Empty, "empty")],
            scan.Anchors);
        Assert.Contains("your\r\n account", scan.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Textarea_is_text_and_its_markup_is_not_read_as_tags()
    {
        HtmlScan scan = HtmlScanner.Scan("<textarea><a href='http://x.example/'>t &amp; u</a></textarea>after");
        Assert.Empty(scan.Anchors);
        Assert.Equal("<a href='http://x.example/'>t & u</a> after", scan.Text);
    }

    [Theory]
    [InlineData("<p>Sign in at <a href='https://outlook-verify.example/login'>outlook.com</a> or <a href='https://www.google.com/url?q=x&amp;sa=D'>here</a></p>")]
    [InlineData("<table><tr><td><a href=\"http://t.example/1\"><img src=x>Click <span>now</span></a></td><td><a href=http://t.example/2>two</td></tr></table>")]
    [InlineData("<div><a href='http://one.example/'>one<span>inline</span></a><a href=\"http://two.example/\">two</a><area href='http://three.example/'></div>")]
    [InlineData("<!DOCTYPE html><html><body><a href = \"http://spaced.example/\" >spaced</a><a href='&#104;ttp://enc.example/'>enc</a></body></html>")]
    public void Links_match_what_a_DOM_parser_finds(string html)
    {
        using var doc = new HtmlParser().ParseDocument(html);
        var expected = doc.QuerySelectorAll("a[href], area[href]")
            .Select(a => (a.GetAttribute("href"), string.Join(' ', a.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
            .ToList();
        Assert.Equal(expected, HtmlScanner.Scan(html).Anchors.Select(a => ((string?)a.Href, a.Text)).ToList());
    }

    [Fact]
    public void Unclosed_quotes_comments_and_raw_text_run_to_the_end_without_error()
    {
        Assert.Equal("before ", HtmlScanner.Scan("before <a href=\"http://x.example/ never closed").Text);
        Assert.Equal("before ", HtmlScanner.Scan("before <!-- never closed <a href='http://x.example/'>x</a>").Text);
        Assert.Equal("before ", HtmlScanner.Scan("before <script>never closed <a href='http://x.example/'>x</a>").Text);
        Assert.Equal("a < b && c <3 </", HtmlScanner.Scan("a < b && c <3 </").Text);
    }

    [Fact]
    public void Hostile_markup_of_megabytes_is_read_in_bounded_output()
    {
        var sb = new StringBuilder();
        for (var i = 0; sb.Length < 5 * 1024 * 1024; i++)
        {
            sb.Append((i % 5) switch
            {
                0 => "<div><span><b><i><table><tr><td><p>unclosed\r\n",
                1 => "<a href=\"http://unclosed.example/<script>\r\n",
                2 => "&#99999999;&bogus;<!-- never closed <![CDATA[ <style>x{}\r\n",
                3 => $"<a href='http://h{i}.example/'>link {i}</a> http://plain{i}.example/\r\n",
                _ => "</td></p></div></div></div><img src=x onerror=\"alert(1)\r\n",
            });
        }

        HtmlScan scan = HtmlScanner.Scan(sb.ToString());
        Assert.InRange(scan.Text.Length, 0, HtmlScanner.MaxTextChars);
        Assert.InRange(scan.Anchors.Count, 0, HtmlScanner.MaxAnchors);
    }

    [Fact]
    public void Ten_thousand_links_keep_the_first_thousand()
    {
        var sb = new StringBuilder("<html><body>");
        for (var i = 0; i < 10_000; i++)
        {
            sb.Append($"<a href=\"http://host{i}.example/p\">link {i}</a> http://plain{i}.example/x\r\n");
        }

        HtmlScan scan = HtmlScanner.Scan(sb.ToString());
        Assert.Equal(HtmlScanner.MaxAnchors, scan.Anchors.Count);
        Assert.Equal(new HtmlAnchor("http://host999.example/p", "link 999"), scan.Anchors[^1]);
        Assert.Equal(HtmlScanner.MaxTextChars, scan.Text.Length);
    }
}
