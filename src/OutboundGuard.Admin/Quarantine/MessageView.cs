namespace OutboundGuard.Admin.Quarantine;

/// <summary>
/// A held message made safe to look at: its headers, its plain text, and any HTML only as source text (to be
/// shown escaped) and as the text a reader would see. Nothing of the message is ever rendered as markup.
/// </summary>
/// <param name="Headers">Header fields in order (name, decoded value).</param>
/// <param name="Text">The plain-text body, or the HTML's visible text when there is no plain part.</param>
/// <param name="HtmlSource">The HTML body as source text, or null; clients must show it escaped.</param>
/// <param name="Attachments">File names and MIME types of attachments.</param>
/// <param name="Fingerprint">The body fingerprint (16 hex digits), or null for too short a body.</param>
/// <param name="Unreadable">Why the content could not be shown (spool file gone, not MIME), or null.</param>
public sealed record MessageView(
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Text,
    string? HtmlSource,
    IReadOnlyList<string> Attachments,
    string? Fingerprint,
    string? Unreadable);
