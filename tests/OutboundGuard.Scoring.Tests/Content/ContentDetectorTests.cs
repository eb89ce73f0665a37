using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Detectors;

namespace OutboundGuard.Scoring.Tests.Content;

public class ContentDetectorTests
{
    private static List<Evidence> Inspect(MimeKit.MimeMessage mail, NaiveBayesModel? model = null)
    {
        var findings = new List<Evidence>();
        new ContentDetector(model).Inspect(TestData.Message(TestData.Account(), content: mail), new AccountHistory { Now = TestData.Start }, findings);
        return findings;
    }

    [Fact]
    public void Phishing_phrasing_is_named_in_the_evidence()
    {
        var mail = TestData.Mail("user1@tenant.example", "Action required: your password expires today",
            "We detected unusual sign-in activity. Please verify your account within 24 hours or your account will be suspended.");
        var e = Assert.Single(Inspect(mail));
        Assert.Equal("phishing phrasing: \"verify your account\", \"unusual sign-in activity\", \"password expiry\", \"account closure threat\"", e.Text);
        Assert.Equal(50, e.Weight);
    }

    [Fact]
    public void A_private_message_lure_is_recognised()
    {
        var mail = TestData.Mail("user1@tenant.example", "Notice", "You have 1 new secure message waiting. Click here to sign in and read it.");
        Assert.Equal("phishing phrasing: \"private message waiting\", \"click to sign in\"", Assert.Single(Inspect(mail)).Text);
    }

    [Fact]
    public void Header_anomalies_are_reported()
    {
        var mail = TestData.Mail("\"PayPal Security\" <service@bank-alerts.example>", "Hello", "A normal enough text about nothing in particular.", replyTo: "helpdesk.team@gmail.com");
        Assert.Equal(
        [
            "From domain bank-alerts.example is not owned by tenant tenant.example",
            "Reply-To goes to free mail gmail.com while From is bank-alerts.example",
            "display name \"PayPal Security\" imitates paypal from bank-alerts.example",
        ], Inspect(mail).Select(f => f.Text));
    }

    [Fact]
    public void An_ordinary_business_message_finds_nothing()
    {
        var mail = TestData.Mail("\"Alice Smith\" <user1@tenant.example>", "Minutes of Tuesday's meeting", "Hi all, attached are the minutes. Please send corrections by Friday. Thanks, Alice");
        Assert.Empty(Inspect(mail));
    }

    [Fact]
    public void A_trained_classifier_adds_its_spam_probability()
    {
        var model = new NaiveBayesModel();
        for (int i = 0; i < 20; i++)
        {
            model.Learn("cheap pills", $"buy cheap viagra pills now limited offer casino winner {i}", spam: true);
            model.Learn("project update", $"the quarterly report draft is attached please review the budget figures {i}", spam: false);
        }

        var spam = TestData.Mail("user1@tenant.example", "cheap pills", "buy cheap viagra now, casino winner offer");
        var e = Assert.Single(Inspect(spam, model));
        Assert.StartsWith("content classifier: 9", e.Text, StringComparison.Ordinal);
        Assert.EndsWith(" % spam", e.Text, StringComparison.Ordinal);
        Assert.Empty(Inspect(TestData.Mail("user1@tenant.example", "project update", "please review the quarterly budget report"), model));
    }
}
