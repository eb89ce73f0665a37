namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// The words of a text as the body fingerprint sees them, in order: each whitespace-separated token that is a
/// link or an e-mail address is one placeholder, any other token gives its runs of word characters (letters,
/// digits, '_' and '\''). A hand-written scanner: fingerprints run on every message, and regex passes cost more
/// than the rest. <see cref="BodyFingerprint.Normalise"/> and the streamed fingerprint both read through it.
/// </summary>
internal ref struct BodyWords(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    private ReadOnlySpan<char> _token;
    private int _next;
    private int _inToken;

    /// <summary>What a word is: a link, an e-mail address, or a run of word characters.</summary>
    public enum Kind
    {
        Url,
        Email,
        Word,
    }

    /// <summary>Moves to the next word; false at the end of the text.</summary>
    public bool Next(out Kind kind, out ReadOnlySpan<char> word)
    {
        while (true)
        {
            // The rest of the current token: its next run of word characters.
            while (_inToken < _token.Length && !IsWordChar(_token[_inToken]))
            {
                _inToken++;
            }

            int start = _inToken;
            while (_inToken < _token.Length && IsWordChar(_token[_inToken]))
            {
                _inToken++;
            }

            if (_inToken > start)
            {
                kind = Kind.Word;
                word = _token[start.._inToken];
                return true;
            }

            // The next whitespace-separated token.
            while (_next < _text.Length && IsWhiteSpace(_text[_next]))
            {
                _next++;
            }

            int tokenStart = _next;
            while (_next < _text.Length && !IsWhiteSpace(_text[_next]))
            {
                _next++;
            }

            if (_next == tokenStart)
            {
                kind = default;
                word = default;
                return false;
            }

            ReadOnlySpan<char> token = _text[tokenStart.._next];
            _token = default;
            _inToken = 0;
            if (token.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || token.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || token.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
            {
                kind = Kind.Url;
                word = token;
                return true;
            }

            int at = token.IndexOf('@');
            if (at > 0 && token[(at + 1)..].Contains('.'))
            {
                kind = Kind.Email;
                word = token;
                return true;
            }

            _token = token;
        }
    }

    private const byte WhiteSpace = 1;
    private const byte WordChar = 2;

    /// <summary>For each ASCII character, whether it is white space and whether it is a word character (the same answers as below, one load each).</summary>
    private static readonly byte[] Ascii = [.. Enumerable.Range(0, 128).Select(c =>
        (byte)((char.IsWhiteSpace((char)c) ? WhiteSpace : 0) | (char.IsLetterOrDigit((char)c) || c is '_' or '\'' ? WordChar : 0)))];

    private static bool IsWordChar(char c) => c < 128 ? (Ascii[c] & WordChar) != 0 : char.IsLetterOrDigit(c);

    private static bool IsWhiteSpace(char c) => c < 128 ? (Ascii[c] & WhiteSpace) != 0 : char.IsWhiteSpace(c);
}
