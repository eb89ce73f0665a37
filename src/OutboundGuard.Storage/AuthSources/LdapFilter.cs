using System.Text;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>
/// A search filter as RFC 4515 writes it, parsed: what a tenant's search-then-bind filter may use (and, or, not,
/// equality, presence, substrings, greater-or-equal, less-or-equal, approximate). Parsed when the setting is made, so a
/// malformed filter is refused there, and again at each AUTH with the login filled in; the relay encodes it (RFC 4511 §4.5.1).
/// </summary>
public abstract record LdapFilter
{
    /// <summary>Longest filter text parsed: a tenant's filter is a line, not a document.</summary>
    public const int MaxLength = 4_096;

    /// <summary>Deepest nesting of and/or/not accepted.</summary>
    public const int MaxDepth = 16;

    private LdapFilter()
    {
    }

    /// <summary><c>(&amp;…)</c>: every one matches.</summary>
    public sealed record And(IReadOnlyList<LdapFilter> Filters) : LdapFilter;

    /// <summary><c>(|…)</c>: one at least matches.</summary>
    public sealed record Or(IReadOnlyList<LdapFilter> Filters) : LdapFilter;

    /// <summary><c>(!…)</c>.</summary>
    public sealed record Not(LdapFilter Filter) : LdapFilter;

    /// <summary><c>(attr=value)</c>, <c>(attr&gt;=value)</c>, <c>(attr&lt;=value)</c>, <c>(attr~=value)</c>: the value unescaped, as octets.</summary>
    public sealed record Comparison(LdapFilterComparison Kind, string Attribute, byte[] Value) : LdapFilter;

    /// <summary><c>(attr=*)</c>.</summary>
    public sealed record Present(string Attribute) : LdapFilter;

    /// <summary><c>(attr=initial*any*…*final)</c>: initial and final null when the value starts or ends with <c>*</c>.</summary>
    public sealed record Substrings(string Attribute, byte[]? Initial, IReadOnlyList<byte[]> Any, byte[]? Final) : LdapFilter;

    /// <summary>Parses a filter such as <c>(&amp;(mail=ann@tenant.example)(!(nsAccountLock=TRUE)))</c>.</summary>
    /// <param name="text">The filter, parentheses included.</param>
    /// <param name="filter">The parsed filter.</param>
    /// <param name="problem">What is wrong and where, for the operator; null when parsed.</param>
    public static bool TryParse(string text, out LdapFilter filter, out string? problem)
    {
        filter = null!;
        if (text.Length > MaxLength)
        {
            problem = $"The LDAP filter is longer than {MaxLength} characters.";
            return false;
        }

        var parser = new Parser(text.Trim());
        try
        {
            filter = parser.ParseFilter(0);
            if (parser.Position != parser.Text.Length)
            {
                throw parser.Error("text after the filter's closing parenthesis");
            }

            problem = null;
            return true;
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return false;
        }
    }

    private sealed class Parser(string text)
    {
        public string Text { get; } = text;

        public int Position { get; private set; }

        public FormatException Error(string what)
            => new($"The LDAP filter '{Text}' is malformed at character {Position + 1}: {what} (RFC 4515, e.g. (&(mail={{user}})(objectClass=inetOrgPerson))).");

        // filter = LPAREN filtercomp RPAREN (RFC 4515 §3)
        public LdapFilter ParseFilter(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error($"nested deeper than {MaxDepth} levels");
            }

            Expect('(');
            LdapFilter parsed = Peek() switch
            {
                '&' => new And(ParseList(depth)),
                '|' => new Or(ParseList(depth)),
                '!' => ParseNot(depth),
                _ => ParseItem(),
            };
            Expect(')');
            return parsed;
        }

        private Not ParseNot(int depth)
        {
            Position++;
            return new Not(ParseFilter(depth + 1));
        }

        // filterlist = 1*filter
        private List<LdapFilter> ParseList(int depth)
        {
            Position++;
            var filters = new List<LdapFilter>();
            while (Peek() == '(')
            {
                filters.Add(ParseFilter(depth + 1));
            }

            return filters.Count == 0 ? throw Error("an and (&) or or (|) needs at least one filter inside") : filters;
        }

        // item = simple / present / substring; extensible match (:=) is not offered to tenants.
        private LdapFilter ParseItem()
        {
            var start = Position;
            while (Position < Text.Length && (char.IsAsciiLetterOrDigit(Text[Position]) || Text[Position] is '-' or '.' or ';'))
            {
                Position++;
            }

            var attribute = Text[start..Position];
            if (attribute.Length == 0 || !(char.IsAsciiLetter(attribute[0]) || char.IsAsciiDigit(attribute[0])))
            {
                throw Error("an attribute name was expected");
            }

            var kind = Peek() switch
            {
                '=' => LdapFilterComparison.Equality,
                '>' => LdapFilterComparison.GreaterOrEqual,
                '<' => LdapFilterComparison.LessOrEqual,
                '~' => LdapFilterComparison.Approximate,
                ':' => throw Error("extensible match (:=) is not supported"),
                _ => throw Error("=, >=, <= or ~= was expected after the attribute name"),
            };
            Position++;
            if (kind != LdapFilterComparison.Equality)
            {
                Expect('=');
            }

            var parts = ParseValueParts();
            if (kind != LdapFilterComparison.Equality)
            {
                return parts.Count == 1 ? new Comparison(kind, attribute, parts[0]) : throw Error("* is only allowed with =");
            }

            if (parts.Count == 1)
            {
                return new Comparison(kind, attribute, parts[0]);
            }

            if (parts.Count == 2 && parts[0].Length == 0 && parts[1].Length == 0)
            {
                return new Present(attribute);
            }

            var any = parts.Skip(1).Take(parts.Count - 2).ToList();
            if (any.Any(part => part.Length == 0))
            {
                throw Error("two * in a row");
            }

            return new Substrings(attribute, parts[0].Length == 0 ? null : parts[0], any, parts[^1].Length == 0 ? null : parts[^1]);
        }

        // The assertion value up to the closing parenthesis, split at unescaped * (valueencoding, RFC 4515 §3).
        private List<byte[]> ParseValueParts()
        {
            var parts = new List<byte[]>();
            var current = new List<byte>();
            Span<byte> utf8 = stackalloc byte[4];
            while (Position < Text.Length && Text[Position] != ')')
            {
                var c = Text[Position];
                switch (c)
                {
                    case '(':
                        throw Error("( inside a value must be written \\28");
                    case '*':
                        parts.Add([.. current]);
                        current.Clear();
                        Position++;
                        break;
                    case '\\':
                        if (Position + 2 >= Text.Length || !char.IsAsciiHexDigit(Text[Position + 1]) || !char.IsAsciiHexDigit(Text[Position + 2]))
                        {
                            throw Error("\\ must be followed by two hex digits, e.g. \\2a for *");
                        }

                        current.Add(Convert.ToByte(Text.Substring(Position + 1, 2), 16));
                        Position += 3;
                        break;
                    case '\0':
                        throw Error("NUL inside a value must be written \\00");
                    default:
                        var length = char.IsSurrogate(c) && Position + 1 < Text.Length ? 2 : 1;
                        var written = Encoding.UTF8.GetBytes(Text.AsSpan(Position, length), utf8);
                        for (var i = 0; i < written; i++)
                        {
                            current.Add(utf8[i]);
                        }

                        Position += length;
                        break;
                }
            }

            parts.Add([.. current]);
            return parts;
        }

        private char Peek() => Position < Text.Length ? Text[Position] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error(Position < Text.Length ? $"'{c}' was expected" : $"the filter ends where '{c}' was expected");
            }

            Position++;
        }
    }
}
