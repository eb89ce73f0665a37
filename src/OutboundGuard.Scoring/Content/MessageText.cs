using MimeKit;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Content;

/// <summary>
/// The readable text of a message (subject and body: plain parts as they are, HTML parts as the text a
/// reader sees), extracted once per parsed message and cached with its <see cref="MessageBody"/> for the other detectors. At most 64 KiB of
/// text is kept: classification and fingerprints need no more.
/// </summary>
public sealed class MessageText
{
    /// <summary>Body text kept per message, in characters. 65,536.</summary>
    public const int MaxChars = 64 * 1024;

    private MessageText(string subject, string body)
    {
        Subject = subject;
        Body = body;
    }

    public string Subject { get; }

    public string Body { get; }

    /// <summary>Labels of the <see cref="PhishingRules"/> the subject or body matches, computed once.</summary>
    public IReadOnlyList<(string Label, double Weight)> PhishingMatches => _phishing ??= PhishingRules.Match(Subject, Body);

    private IReadOnlyList<(string Label, double Weight)>? _phishing;

    /// <summary>The text of <paramref name="message"/>; empty for null.</summary>
    public static MessageText Of(MimeMessage? message)
    {
        if (message is null)
        {
            return new MessageText(string.Empty, string.Empty);
        }

        MessageBody body = MessageBody.Of(message);
        return body.Text ??= From(message.Subject, body);
    }

    /// <summary>The text of <paramref name="body"/> under <paramref name="subject"/>, without the cache.</summary>
    public static MessageText From(string? subject, MessageBody body)
    {
        IReadOnlyList<TextSection> sections = body.Sections;
        if (sections.Count == 1 && sections[0].Text.Length < MaxChars)
        {
            // One part: its text as it is, not a copy with the separator after it (nothing that reads the text tells
            // a final newline from the end: tokens, words and phrases all end at either).
            return new MessageText(subject ?? string.Empty, sections[0].Text);
        }

        // One string of the exact length: sections, each followed by a newline (so no word runs across two), cut at MaxChars.
        int length = 0;
        foreach (TextSection section in sections)
        {
            length += section.Text.Length + 1;
            if (length >= MaxChars)
            {
                break;
            }
        }

        string text = string.Create(Math.Min(length, MaxChars), sections, static (span, parts) =>
        {
            int at = 0;
            foreach (TextSection section in parts)
            {
                int n = Math.Min(section.Text.Length, span.Length - at);
                section.Text.AsSpan(0, n).CopyTo(span[at..]);
                at += n;
                if (at == span.Length)
                {
                    return;
                }

                span[at++] = '\n';
                if (at == span.Length)
                {
                    return;
                }
            }
        });
        return new MessageText(subject ?? string.Empty, text);
    }
}
