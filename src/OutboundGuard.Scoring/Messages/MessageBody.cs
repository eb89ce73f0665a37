using System.Runtime.CompilerServices;
using MimeKit;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Html;
using OutboundGuard.Scoring.Urls;

namespace OutboundGuard.Scoring.Messages;

/// <summary>One text part of a message as scoring reads it: plain text as it is, HTML as its visible text and links.</summary>
/// <param name="IsHtml">Whether the part is HTML.</param>
/// <param name="Text">The part's text (for HTML, the visible text).</param>
/// <param name="Anchors">For HTML, its links with their visible text; empty for plain text.</param>
public sealed record TextSection(bool IsHtml, string Text, IReadOnlyList<HtmlAnchor> Anchors);

/// <summary>
/// The text parts of a parsed message, each decoded once and each HTML part scanned once
/// (<see cref="HtmlScanner"/>); cached per message and shared by the URL extractor and the text the
/// classifier, the phishing rules and the fingerprints read, which are cached with it.
/// </summary>
public sealed class MessageBody
{
    private static readonly ConditionalWeakTable<MimeMessage, MessageBody> Cache = new();

    private MessageBody(IReadOnlyList<TextSection> sections) => Sections = sections;

    /// <summary>The text parts in message order; parts whose content cannot be decoded are left out.</summary>
    public IReadOnlyList<TextSection> Sections { get; }

    /// <summary>
    /// The message's links (<see cref="UrlExtractor"/>), made from this body once. Kept here rather than in a table of
    /// their own: one weak table entry per message instead of one per reader (each entry is a GC handle).
    /// </summary>
    internal IReadOnlyList<ExtractedUrl>? Urls { get; set; }

    /// <summary>The message's readable text (<see cref="MessageText"/>), made from this body once; kept here for the same reason.</summary>
    internal MessageText? Text { get; set; }

    /// <summary>The body of <paramref name="message"/>, read once and cached with it.</summary>
    public static MessageBody Of(MimeMessage message) => Cache.GetValue(message, Read);

    /// <summary>Reads the body of <paramref name="message"/> without the cache.</summary>
    public static MessageBody Read(MimeMessage message)
    {
        List<TextSection>? sections = null;
        foreach (MimeEntity entity in message.BodyParts)
        {
            if (entity is not TextPart part)
            {
                continue;
            }

            string text;
            try
            {
                text = TextDecoder.Decode(part);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
            {
                continue;
            }

            sections ??= [];
            if (part.IsHtml)
            {
                HtmlScan scan = HtmlScanner.Scan(text);
                sections.Add(new TextSection(true, scan.Text, scan.Anchors));
            }
            else
            {
                sections.Add(new TextSection(false, text, []));
            }
        }

        return new MessageBody((IReadOnlyList<TextSection>?)sections ?? []);
    }
}
