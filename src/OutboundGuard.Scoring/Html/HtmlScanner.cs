using System.Text;

namespace OutboundGuard.Scoring.Html;

/// <summary>
/// Reads an HTML part once, left to right, without building a DOM: the visible text and every link with its
/// visible text. It follows the HTML tokenizer's rules where they matter for what a reader sees (tags,
/// attributes quoted or not, comments and bogus comments, script/style/title as raw text, character
/// references) and ignores tree construction. Linear in the input whatever the markup: each character is
/// looked at a bounded number of times (unclosed comments, quotes and raw-text elements run to the end).
/// </summary>
public static partial class HtmlScanner
{
    /// <summary>Visible text kept per part, in characters. 65,536.</summary>
    public const int MaxTextChars = 64 * 1024;

    /// <summary>Links kept per part. 1,000.</summary>
    public const int MaxAnchors = 1000;

    /// <summary>Visible text kept per link, in characters. 512.</summary>
    public const int MaxAnchorTextChars = 512;

    [ThreadStatic]
    private static StringBuilder? t_text;

    [ThreadStatic]
    private static StringBuilder? t_anchorText;

    /// <summary>Scans <paramref name="html"/>: visible text (at most <see cref="MaxTextChars"/>) and links (at most <see cref="MaxAnchors"/>).</summary>
    public static HtmlScan Scan(string html)
    {
        var state = new State(t_text ??= new StringBuilder(4096), t_anchorText ??= new StringBuilder(64));
        state.Text.Clear();
        state.AnchorText.Clear();
        try
        {
            Run(html, ref state);
            state.CloseAnchor();
            return new HtmlScan(state.Text.ToString(), (IReadOnlyList<HtmlAnchor>?)state.Anchors ?? []);
        }
        finally
        {
            if (state.Text.Capacity > 4 * MaxTextChars)
            {
                t_text = null;
            }
        }
    }

    private static void Run(string html, ref State s)
    {
        ReadOnlySpan<char> all = html;
        int i = 0;
        int n = all.Length;
        while (i < n)
        {
            if (s.Done)
            {
                return;
            }

            int j = all[i..].IndexOfAny('<', '&');
            if (j < 0)
            {
                s.AppendText(all[i..]);
                return;
            }

            s.AppendText(all.Slice(i, j));
            i += j;
            if (all[i] == '&')
            {
                i = Entity(html, i, inAttribute: false, out string? decoded);
                s.AppendText(decoded ?? "&");
                continue;
            }

            i = Markup(html, i, ref s);
        }
    }

    /// <summary>Handles the markup at <paramref name="i"/> (a '&lt;'); returns the index after it.</summary>
    private static int Markup(string html, int i, ref State s)
    {
        int n = html.Length;
        if (i + 1 >= n)
        {
            s.AppendText("<");
            return n;
        }

        char c = html[i + 1];
        if (c == '!')
        {
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                // "<!-->" and "<!--->" are whole (empty) comments; otherwise up to "-->", or the end.
                if (i + 4 < n && html[i + 4] == '>')
                {
                    return i + 5;
                }

                if (i + 5 < n && html[i + 4] == '-' && html[i + 5] == '>')
                {
                    return i + 6;
                }

                int end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                return end < 0 ? n : end + 3;
            }

            return BogusComment(html, i + 2);
        }

        if (c == '?')
        {
            return BogusComment(html, i + 2);
        }

        bool endTag = c == '/';
        int nameStart = endTag ? i + 2 : i + 1;
        if (nameStart >= n || !char.IsAsciiLetter(html[nameStart]))
        {
            if (endTag)
            {
                // "</>" is dropped, "</3" and the like are bogus comments; a lone "</" at the end is text.
                return nameStart >= n ? AppendLiteral(ref s, "</", n) : html[nameStart] == '>' ? nameStart + 1 : BogusComment(html, nameStart);
            }

            s.AppendText("<");
            return i + 1;
        }

        int nameEnd = nameStart;
        while (nameEnd < n && !IsTagNameEnd(html[nameEnd]))
        {
            nameEnd++;
        }

        Tag tag = Classify(html.AsSpan(nameStart, nameEnd - nameStart));
        bool wantHref = !endTag && tag is Tag.A or Tag.Area;
        int after = Attributes(html, nameEnd, wantHref, out string? href);
        if (after < 0)
        {
            return n; // the end of the input inside a tag: the tag is dropped
        }

        if (endTag)
        {
            if (tag == Tag.A)
            {
                s.CloseAnchor();
            }
            else if (tag is Tag.Block or Tag.Textarea)
            {
                s.Separate();
            }

            return after;
        }

        switch (tag)
        {
            case Tag.A:
                s.CloseAnchor();
                if (href is not null)
                {
                    s.OpenAnchor(href);
                }

                return after;
            case Tag.Area:
                if (href is not null)
                {
                    s.AddAnchor(new HtmlAnchor(href, string.Empty));
                }

                return after;
            case Tag.RawText:
                // script, style, title and the like: not read as text, up to their end tag (or the end).
                return RawTextEnd(html, after, html.AsSpan(nameStart, nameEnd - nameStart), out _);
            case Tag.Textarea:
            {
                s.Separate();
                int end = RawTextEnd(html, after, "textarea", out int contentEnd);
                RcData(html, after, contentEnd, ref s);
                s.Separate();
                return end;
            }

            case Tag.Block:
                s.Separate();
                return after;
            default:
                return after;
        }
    }

    private static int AppendLiteral(ref State s, string text, int next)
    {
        s.AppendText(text);
        return next;
    }

    private static int BogusComment(string html, int from)
    {
        int end = html.IndexOf('>', Math.Min(from, html.Length));
        return end < 0 ? html.Length : end + 1;
    }

    /// <summary>Text of an RCDATA element (textarea): character references decoded, no tags.</summary>
    private static void RcData(string html, int from, int to, ref State s)
    {
        int i = from;
        while (i < to)
        {
            int j = html.AsSpan(i, to - i).IndexOf('&');
            if (j < 0)
            {
                s.AppendText(html.AsSpan(i, to - i));
                return;
            }

            s.AppendText(html.AsSpan(i, j));
            i = Entity(html, i + j, inAttribute: false, out string? decoded);
            s.AppendText(decoded ?? "&");
        }
    }

    /// <summary>
    /// The index after the end tag of a raw-text element named <paramref name="name"/>, searched from
    /// <paramref name="from"/>, and where its content ends; the input's length for both when there is none.
    /// </summary>
    private static int RawTextEnd(string html, int from, ReadOnlySpan<char> name, out int contentEnd)
    {
        int n = html.Length;
        contentEnd = n;
        int i = from;
        while (i < n)
        {
            int lt = html.AsSpan(i).IndexOf("</", StringComparison.Ordinal);
            if (lt < 0)
            {
                return n;
            }

            int at = i + lt + 2;
            if (at + name.Length <= n && html.AsSpan(at, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase)
                && (at + name.Length == n || IsTagNameEnd(html[at + name.Length])))
            {
                contentEnd = at - 2;
                int close = Attributes(html, at + name.Length, false, out _);
                return close < 0 ? n : close;
            }

            i = at;
        }

        return n;
    }

    private static bool IsTagNameEnd(char c) => c is '>' or '/' || char.IsWhiteSpace(c);

    private enum Tag
    {
        Other,
        A,
        Area,
        RawText,
        Textarea,
        Block,
    }

    private static Tag Classify(ReadOnlySpan<char> name)
    {
        if (name.Length > 10)
        {
            return Tag.Other;
        }

        Span<char> lower = stackalloc char[10];
        int len = name.ToLowerInvariant(lower);
        return lower[..len] switch
        {
            "a" => Tag.A,
            "area" => Tag.Area,
            "script" or "style" or "title" or "xmp" or "iframe" or "noembed" or "noframes" => Tag.RawText,
            "textarea" => Tag.Textarea,
            "br" or "p" or "div" or "tr" or "td" or "th" or "li" or "ul" or "ol" or "dl" or "dt" or "dd" or "table" or "tbody" or "thead"
                or "tfoot" or "caption" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "hr" or "blockquote" or "pre" or "section"
                or "article" or "header" or "footer" or "nav" or "aside" or "main" or "center" or "form" or "fieldset" or "legend"
                or "address" or "figure" or "figcaption" or "option" or "button" or "select" or "input" or "img" or "body" or "html"
                or "head" or "details" or "summary" or "menu" or "frame" or "object" => Tag.Block,
            _ => Tag.Other,
        };
    }

    private struct State(StringBuilder text, StringBuilder anchorText)
    {
        public readonly StringBuilder Text = text;
        public readonly StringBuilder AnchorText = anchorText;
        public List<HtmlAnchor>? Anchors;
        private string? _href;

        private readonly bool TextFull => Text.Length >= MaxTextChars;

        /// <summary>Nothing more can be kept: the text is full and so is the list of links.</summary>
        public readonly bool Done => TextFull && Anchors is { Count: >= MaxAnchors };

        public void AppendText(ReadOnlySpan<char> run)
        {
            if (run.IsEmpty)
            {
                return;
            }

            if (!TextFull)
            {
                Text.Append(run[..Math.Min(run.Length, MaxTextChars - Text.Length)]);
            }

            if (_href is not null)
            {
                foreach (char c in run)
                {
                    if (AnchorText.Length >= MaxAnchorTextChars)
                    {
                        break;
                    }

                    if (char.IsWhiteSpace(c))
                    {
                        if (AnchorText.Length > 0 && AnchorText[^1] != ' ')
                        {
                            AnchorText.Append(' ');
                        }
                    }
                    else
                    {
                        AnchorText.Append(c);
                    }
                }
            }
        }

        /// <summary>Where block elements meet: one space, unless the text already ends in white space.</summary>
        public void Separate()
        {
            if (Text.Length > 0 && !TextFull && !char.IsWhiteSpace(Text[^1]))
            {
                Text.Append(' ');
            }

            if (_href is not null && AnchorText.Length > 0 && AnchorText[^1] != ' ')
            {
                AnchorText.Append(' ');
            }
        }

        public void OpenAnchor(string href)
        {
            _href = href;
            AnchorText.Clear();
        }

        public void CloseAnchor()
        {
            if (_href is null)
            {
                return;
            }

            int end = AnchorText.Length;
            while (end > 0 && AnchorText[end - 1] == ' ')
            {
                end--;
            }

            AddAnchor(new HtmlAnchor(_href, AnchorText.ToString(0, end)));
            _href = null;
            AnchorText.Clear();
        }

        public void AddAnchor(HtmlAnchor anchor)
        {
            Anchors ??= [];
            if (Anchors.Count < MaxAnchors)
            {
                Anchors.Add(anchor);
            }
        }
    }
}
