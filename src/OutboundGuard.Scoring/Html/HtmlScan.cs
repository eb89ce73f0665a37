namespace OutboundGuard.Scoring.Html;

/// <summary>One link of an HTML part: its href as written (entities decoded) and the text the reader sees (whitespace collapsed).</summary>
/// <param name="Href">The href attribute's value.</param>
/// <param name="Text">The visible text, trimmed and with runs of whitespace as one space; empty for none (and for area elements).</param>
public readonly record struct HtmlAnchor(string Href, string Text);

/// <summary>
/// What scoring reads from one HTML part, found in one linear pass by <see cref="HtmlScanner"/>: the visible
/// text (entities decoded; no script, style or title; a space where block elements meet) and the links.
/// </summary>
/// <param name="Text">The visible text, at most the scanner's text limit.</param>
/// <param name="Anchors">Every a[href] and area[href], in document order, at most the scanner's link limit.</param>
public sealed record HtmlScan(string Text, IReadOnlyList<HtmlAnchor> Anchors);
