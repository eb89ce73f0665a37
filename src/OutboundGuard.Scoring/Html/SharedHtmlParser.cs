using AngleSharp.Html.Parser;

namespace OutboundGuard.Scoring.Html;

/// <summary>
/// One AngleSharp parser per thread: building a parser sets up a browsing context, which costs more than
/// parsing a typical message's HTML, and a parser must not be shared between threads.
/// </summary>
internal static class SharedHtmlParser
{
    [ThreadStatic]
    private static HtmlParser? t_parser;

    public static HtmlParser Instance => t_parser ??= new HtmlParser();
}
