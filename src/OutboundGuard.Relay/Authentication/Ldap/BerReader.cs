using System.Text;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// Reads BER elements from one whole LDAP message already in memory (RFC 4511 §5.1): single-octet tags, definite
/// lengths only (no indefinite form), every length checked against what is left. Anything else is a
/// <see cref="InvalidDataException"/> naming what was wrong; nothing is allocated from a length the server sent.
/// </summary>
public ref struct BerReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool HasMore => _position < _data.Length;

    /// <summary>The tag of the next element.</summary>
    /// <exception cref="InvalidDataException">Nothing is left.</exception>
    public readonly byte PeekTag() => HasMore ? _data[_position] : throw new InvalidDataException("an LDAP message ends where an element was expected");

    /// <summary>The contents of the next element, which must carry <paramref name="tag"/>.</summary>
    public ReadOnlySpan<byte> ReadElement(byte tag)
    {
        var found = PeekTag();
        if (found != tag)
        {
            throw new InvalidDataException($"an LDAP message has tag 0x{found:x2} where 0x{tag:x2} was expected");
        }

        return ReadAny(out _);
    }

    /// <summary>The next element whatever its tag.</summary>
    public ReadOnlySpan<byte> ReadAny(out byte tag)
    {
        tag = PeekTag();
        if ((tag & 0x1F) == 0x1F)
        {
            throw new InvalidDataException("an LDAP message uses a multi-octet tag, which LDAP never does");
        }

        var position = _position + 1;
        if (position >= _data.Length)
        {
            throw new InvalidDataException("an LDAP element ends before its length");
        }

        int length = _data[position++];
        if (length == 0x80)
        {
            throw new InvalidDataException("an LDAP element has an indefinite length (RFC 4511 §5.1 forbids it)");
        }

        if (length > 0x80)
        {
            var octets = length & 0x7F;
            if (octets > 4 || position + octets > _data.Length)
            {
                throw new InvalidDataException("an LDAP element's length is malformed");
            }

            long value = 0;
            for (var i = 0; i < octets; i++)
            {
                value = (value << 8) | _data[position++];
            }

            if (value > int.MaxValue)
            {
                throw new InvalidDataException("an LDAP element's length is larger than the message");
            }

            length = (int)value;
        }

        if (length > _data.Length - position)
        {
            throw new InvalidDataException("an LDAP element is longer than the message holding it");
        }

        _position = position + length;
        return _data.Slice(position, length);
    }

    /// <summary>A constructed element's contents, to read on with a reader of their own.</summary>
    public BerReader ReadConstructed(byte tag) => new(ReadElement(tag));

    /// <summary>An INTEGER or ENUMERATED of at most 4 octets (message IDs and result codes are 0..2³¹-1, RFC 4511 §4.1.1).</summary>
    public int ReadInteger(byte tag = BerTags.IntegerTag)
    {
        var octets = ReadElement(tag);
        if (octets.Length is 0 or > 4)
        {
            throw new InvalidDataException($"an LDAP integer has {octets.Length} octets where 1 to 4 were expected");
        }

        var value = (sbyte)octets[0];
        var result = (int)value;
        for (var i = 1; i < octets.Length; i++)
        {
            result = (result << 8) | octets[i];
        }

        return result;
    }

    /// <summary>An OCTET STRING (or another primitive tag) read as UTF-8 text.</summary>
    public string ReadString(byte tag = BerTags.OctetString) => Encoding.UTF8.GetString(ReadElement(tag));

    /// <summary>Skips the next element, whatever it is.</summary>
    public void Skip() => ReadAny(out _);
}
