using OutboundGuard.Scoring.Content;

namespace OutboundGuard.Scoring.Tests.Content;

public class PhishingRulesTests
{
    /// <summary>Texts for every rule, in other cases, with characters a case-insensitive pattern folds to ASCII, and near misses.</summary>
    private static readonly string[] Examples =
    [
        "Please VERIFY YOUR E-MAIL ACCOUNT today",
        "We saw Unusual Sign-In Activity on your mailbox",
        "Your password will expire tonight; keep your same password here",
        "You have 3 new PRIVATE messages. A secure message is waiting for you",
        "Mailbox almost full: storage quota reached",
        "Your account will be suspended",
        "Confirm your identity and update your billing",
        "Click here to sign in, or click the link to verify",
        "Update your payment method. Verify your card details",
        "Alice shared a document with you. Sign in to view it",
        "Clic\u212A here to log in",
        "Your mailbox is over quota and your pa\u017Fsword expired",
        "VER\u0130FY YOUR ACCOUNT",
        "your message about the account was shared; click to see the activity",
        "Minutes from the board meeting are in the shared folder",
        string.Empty,
    ];

    public static TheoryData<string> Texts => new(Examples);

    [Theory]
    [MemberData(nameof(Texts))]
    public void Rules_are_matched_as_their_patterns_match_the_subject_or_the_body(string text)
    {
        string[] expected = [.. PhishingRules.All.Where(r => r.Pattern.IsMatch(text)).Select(r => r.Label)];

        Assert.Equal(expected, PhishingRules.Match(text, string.Empty).Select(m => m.Label));
        Assert.Equal(expected, PhishingRules.Match(string.Empty, text).Select(m => m.Label));
        Assert.Equal(expected, PhishingRules.Match("Weekly notes", "Hello,\n" + text + "\nRegards").Select(m => m.Label));
    }

    [Fact]
    public void Every_rule_matches_its_own_example()
    {
        string all = string.Join("\n", Examples.Take(10));

        Assert.Equal(PhishingRules.All.Select(r => r.Label), PhishingRules.Match(string.Empty, all).Select(m => m.Label));
    }
}
