using System.Text;

namespace OutboundGuard.Scoring.Html;

/// <summary>Attributes of a start tag: skipped, or the first href read and its character references decoded.</summary>
public static partial class HtmlScanner
{
    /// <summary>
    /// Reads attributes from <paramref name="i"/> up to and including the closing '&gt;'; returns the index after
    /// it, or -1 when the input ends first. With <paramref name="wantHref"/>, the first href's value, decoded.
    /// </summary>
    private static int Attributes(string html, int i, bool wantHref, out string? href)
    {
        href = null;
        int n = html.Length;
        while (true)
        {
            while (i < n && (char.IsWhiteSpace(html[i]) || html[i] == '/'))
            {
                i++;
            }

            if (i >= n)
            {
                return -1;
            }

            if (html[i] == '>')
            {
                return i + 1;
            }

            int nameStart = i;
            i++; // the first character may be anything, '=' included
            while (i < n && html[i] != '=' && html[i] != '>' && html[i] != '/' && !char.IsWhiteSpace(html[i]))
            {
                i++;
            }

            bool isHref = wantHref && href is null && i - nameStart == 4 && html.AsSpan(nameStart, 4).Equals("href", StringComparison.OrdinalIgnoreCase);
            int k = i;
            while (k < n && char.IsWhiteSpace(html[k]))
            {
                k++;
            }

            if (k >= n || html[k] != '=')
            {
                if (isHref)
                {
                    href = string.Empty;
                }

                i = k;
                continue;
            }

            i = k + 1;
            while (i < n && char.IsWhiteSpace(html[i]))
            {
                i++;
            }

            if (i >= n)
            {
                return -1;
            }

            int valueStart, valueEnd;
            char q = html[i];
            if (q is '"' or '\'')
            {
                int close = html.IndexOf(q, i + 1);
                if (close < 0)
                {
                    return -1;
                }

                valueStart = i + 1;
                valueEnd = close;
                i = close + 1;
            }
            else
            {
                valueStart = i;
                while (i < n && html[i] != '>' && !char.IsWhiteSpace(html[i]))
                {
                    i++;
                }

                valueEnd = i;
            }

            if (isHref)
            {
                href = DecodeAttribute(html, valueStart, valueEnd);
            }
        }
    }

    private static string DecodeAttribute(string html, int from, int to)
    {
        int amp = html.AsSpan(from, to - from).IndexOf('&');
        if (amp < 0)
        {
            return html.Substring(from, to - from);
        }

        var sb = new StringBuilder(to - from);
        int i = from;
        while (i < to)
        {
            int j = html.AsSpan(i, to - i).IndexOf('&');
            if (j < 0)
            {
                sb.Append(html.AsSpan(i, to - i));
                break;
            }

            sb.Append(html.AsSpan(i, j));
            int next = Entity(html, i + j, inAttribute: true, out string? decoded, to);
            sb.Append(decoded ?? "&");
            i = next;
        }

        return sb.ToString();
    }
}
