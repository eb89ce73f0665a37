using System.Runtime.CompilerServices;
using System.Text;
using AngleSharp.Html.Parser;
using MimeKit;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// The readable text of a message (subject and body: plain parts as they are, HTML parts as the text a
/// reader sees), extracted once per parsed message and cached for the other detectors. At most 64 KiB of
/// text is kept: classification and fingerprints need no more.
/// </summary>
public sealed class MessageText
{
    /// <summary>Body text kept per message, in characters. 65,536.</summary>
    public const int MaxChars = 64 * 1024;

    private static readonly ConditionalWeakTable<MimeMessage, MessageText> Cache = new();

    private MessageText(string subject, string body)
    {
        Subject = subject;
        Body = body;
    }

    public string Subject { get; }

    public string Body { get; }

    /// <summary>Labels of the <see cref="PhishingRules"/> the subject or body matches, computed once.</summary>
    public IReadOnlyList<(string Label, double Weight)> PhishingMatches => _phishing ??= [.. PhishingRules.All
        .Where(r => r.Pattern.IsMatch(Subject) || r.Pattern.IsMatch(Body))
        .Select(r => (r.Label, r.Weight))];

    private IReadOnlyList<(string Label, double Weight)>? _phishing;

    /// <summary>The text of <paramref name="message"/>; empty for null.</summary>
    public static MessageText Of(MimeMessage? message)
    {
        if (message is null)
        {
            return new MessageText(string.Empty, string.Empty);
        }

        return Cache.GetValue(message, Extract);
    }

    private static MessageText Extract(MimeMessage message)
    {
        var sb = new StringBuilder();
        foreach (TextPart part in message.BodyParts.OfType<TextPart>())
        {
            string text = part.Text ?? string.Empty;
            if (part.IsHtml)
            {
                var parser = Html.SharedHtmlParser.Instance;
                using var doc = parser.ParseDocument(text);
                text = doc.Body?.TextContent ?? string.Empty;
            }

            sb.Append(text).Append('\n');
            if (sb.Length >= MaxChars)
            {
                break;
            }
        }

        string body = sb.Length > MaxChars ? sb.ToString(0, MaxChars) : sb.ToString();
        return new MessageText(message.Subject ?? string.Empty, body);
    }
}
