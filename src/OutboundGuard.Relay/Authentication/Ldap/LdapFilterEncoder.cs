using System.Text;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>Writes a parsed <see cref="LdapFilter"/> as the SearchRequest's Filter CHOICE (RFC 4511 §4.5.1.7).</summary>
public static class LdapFilterEncoder
{
    private const byte And = 0xA0;
    private const byte Or = 0xA1;
    private const byte Not = 0xA2;
    private const byte EqualityMatch = 0xA3;
    private const byte Substrings = 0xA4;
    private const byte GreaterOrEqual = 0xA5;
    private const byte LessOrEqual = 0xA6;
    private const byte Present = 0x87;
    private const byte ApproxMatch = 0xA8;

    // SubstringFilter's CHOICE: initial [0], any [1], final [2] (RFC 4511 §4.5.1.7.2).
    private const byte Initial = 0x80;
    private const byte Any = 0x81;
    private const byte Final = 0x82;

    public static void Write(BerWriter writer, LdapFilter filter)
    {
        switch (filter)
        {
            case LdapFilter.And and:
                WriteSet(writer, And, and.Filters);
                break;
            case LdapFilter.Or or:
                WriteSet(writer, Or, or.Filters);
                break;
            case LdapFilter.Not not:
                writer.StartConstructed(Not);
                Write(writer, not.Filter);
                writer.EndConstructed();
                break;
            case LdapFilter.Present present:
                writer.WritePrimitive(Present, Encoding.UTF8.GetBytes(present.Attribute));
                break;
            case LdapFilter.Comparison comparison:
                writer.StartConstructed(comparison.Kind switch
                {
                    LdapFilterComparison.GreaterOrEqual => GreaterOrEqual,
                    LdapFilterComparison.LessOrEqual => LessOrEqual,
                    LdapFilterComparison.Approximate => ApproxMatch,
                    _ => EqualityMatch,
                });
                writer.WriteString(comparison.Attribute);
                writer.WritePrimitive(BerTags.OctetString, comparison.Value);
                writer.EndConstructed();
                break;
            case LdapFilter.Substrings substrings:
                writer.StartConstructed(Substrings);
                writer.WriteString(substrings.Attribute);
                writer.StartConstructed(BerTags.Sequence);
                if (substrings.Initial is { } initial)
                {
                    writer.WritePrimitive(Initial, initial);
                }

                foreach (var any in substrings.Any)
                {
                    writer.WritePrimitive(Any, any);
                }

                if (substrings.Final is { } final)
                {
                    writer.WritePrimitive(Final, final);
                }

                writer.EndConstructed();
                writer.EndConstructed();
                break;
            default:
                throw new ArgumentException($"No encoding for {filter.GetType().Name}.", nameof(filter));
        }
    }

    private static void WriteSet(BerWriter writer, byte tag, IReadOnlyList<LdapFilter> filters)
    {
        writer.StartConstructed(tag);
        foreach (var inner in filters)
        {
            Write(writer, inner);
        }

        writer.EndConstructed();
    }
}
