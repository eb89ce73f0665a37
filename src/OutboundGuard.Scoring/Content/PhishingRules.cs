using System.Buffers;
using System.Text.RegularExpressions;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// Phrasing typical of credential phishing (fake sign-in alerts, "verify your account", a private message
/// waiting, password expiry, mailbox quota, account closure threats). Each rule has a label shown in evidence
/// and a weight; matching is case-insensitive on the subject and the readable body.
/// </summary>
public static partial class PhishingRules
{
    /// <summary>The rules: label (what ops read), weight, pattern.</summary>
    public static IReadOnlyList<(string Label, double Weight, Regex Pattern)> All { get; } =
    [
        ("verify your account", 30, VerifyAccount()),
        ("unusual sign-in activity", 30, SignIn()),
        ("password expiry", 30, PasswordExpiry()),
        ("private message waiting", 25, PrivateMessage()),
        ("mailbox quota", 25, Mailbox()),
        ("account closure threat", 30, Closure()),
        ("confirm your details", 25, ConfirmDetails()),
        ("click to sign in", 20, ClickToLogin()),
        ("payment update request", 25, Payment()),
        ("shared document lure", 15, SharedDocument()),
    ];

    /// <summary>
    /// Words that each rule of <see cref="All"/> (same order) cannot match without: a text holding none of a rule's words
    /// (in any case) is not run through its pattern. Most mail holds few of them, and one vectorised search per word is
    /// much cheaper than a pattern's scan of the whole body.
    /// </summary>
    private static readonly string[][] RequiredWords =
    [
        ["your"],
        ["activity", "attempt"],
        ["password"],
        ["message"],
        ["mailbox", "quota"],
        ["account"],
        ["your"],
        ["click"],
        ["your"],
        ["shared"],
    ];

    /// <summary>
    /// Characters that a case-insensitive pattern reads as an ASCII letter but an ordinal case-insensitive search
    /// does not (KELVIN SIGN as k, LONG S as s, the dotted and dotless I): a text with any of them runs every pattern.
    /// </summary>
    private static readonly SearchValues<char> OtherCaseForms = SearchValues.Create("\u212A\u017F\u0130\u0131");

    /// <summary>The label and weight of every rule that <paramref name="subject"/> or <paramref name="body"/> matches, in rule order.</summary>
    public static IReadOnlyList<(string Label, double Weight)> Match(string subject, string body)
    {
        List<(string Label, double Weight)>? matches = null;
        bool subjectPlain = !subject.AsSpan().ContainsAny(OtherCaseForms);
        bool bodyPlain = !body.AsSpan().ContainsAny(OtherCaseForms);
        IReadOnlyList<(string Label, double Weight, Regex Pattern)> all = All;
        for (int r = 0; r < all.Count; r++)
        {
            (string label, double weight, Regex pattern) = all[r];
            if ((MayMatch(subject, subjectPlain, r) && pattern.IsMatch(subject)) || (MayMatch(body, bodyPlain, r) && pattern.IsMatch(body)))
            {
                (matches ??= []).Add((label, weight));
            }
        }

        return (IReadOnlyList<(string Label, double Weight)>?)matches ?? [];
    }

    /// <summary>Whether rule <paramref name="rule"/> may match <paramref name="text"/>: always for a text that is not plain, else when it holds one of the rule's words.</summary>
    private static bool MayMatch(string text, bool plain, int rule)
    {
        if (!plain)
        {
            return true;
        }

        foreach (string word in RequiredWords[rule])
        {
            if (text.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"\b(verify|validate|re-?confirm)\s+your\s+(e-?mail\s+)?(account|mailbox|identity)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VerifyAccount();

    [GeneratedRegex(@"\b(unusual|suspicious|unrecogni[sz]ed|new)\s+(sign-?in|log-?in)\s+(activity|attempt)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignIn();

    [GeneratedRegex(@"\bpassword\s+(will\s+)?(expire|expires|expired|expiring)\b|\bkeep\s+(your\s+)?(same|current)\s+password\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordExpiry();

    [GeneratedRegex(@"\b(you\s+have\s+(a\s+|\d+\s+)?(new\s+)?(private|secure|encrypted|pending|undelivered)\s+messages?|(private|secure)\s+message\s+(is\s+)?waiting)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateMessage();

    [GeneratedRegex(@"\bmailbox\s+(is\s+)?(almost\s+)?(full|over\s+quota|storage\s+limit)|\bstorage\s+quota\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Mailbox();

    [GeneratedRegex(@"\baccount\s+(will\s+be|has\s+been)\s+(suspended|closed|deactivated|disabled|locked|terminated)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Closure();

    [GeneratedRegex(@"\b(confirm|update)\s+your\s+(identity|details|billing|information|credentials)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConfirmDetails();

    [GeneratedRegex(@"\bclick\s+(here|below|the\s+link)\s+to\s+(log\s*in|sign\s*in|verify|validate|restore|unlock|reactivate)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClickToLogin();

    [GeneratedRegex(@"\b(update|verify)\s+your\s+(payment|card|bank)\s+(method|details|information)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Payment();

    [GeneratedRegex(@"\bshared\s+(a\s+)?(document|file)\s+with\s+you\b.*\b(sign\s*in|log\s*in)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SharedDocument();
}
