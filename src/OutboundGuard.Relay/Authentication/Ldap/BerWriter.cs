using System.Buffers.Binary;
using System.Text;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// Writes BER elements as LDAP needs them (RFC 4511 §5.1): single-octet tags, definite lengths in their shortest form,
/// constructed elements by <see cref="StartConstructed"/> / <see cref="EndConstructed"/>.
/// </summary>
public sealed class BerWriter
{
    private readonly Stack<int> _open = new();
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>The elements written so far; valid when every constructed element is closed.</summary>
    public ReadOnlySpan<byte> Written => _open.Count == 0 ? _buffer.AsSpan(0, _length) : throw new InvalidOperationException("A constructed element is still open.");

    /// <summary>Opens a constructed element (SEQUENCE 0x30, SET 0x31, an APPLICATION or context tag with bit 0x20).</summary>
    public void StartConstructed(byte tag)
    {
        WriteByte(tag);
        _open.Push(_length);
    }

    /// <summary>Closes the innermost open element: its length goes in front of its contents.</summary>
    public void EndConstructed()
    {
        var start = _open.Pop();
        var contentLength = _length - start;
        Span<byte> length = stackalloc byte[5];
        var lengthSize = EncodeLength(contentLength, length);
        Reserve(lengthSize);
        Buffer.BlockCopy(_buffer, start, _buffer, start + lengthSize, contentLength);
        length[..lengthSize].CopyTo(_buffer.AsSpan(start));
        _length += lengthSize;
    }

    /// <summary>An INTEGER (or ENUMERATED with tag 0x0A) in the fewest two's-complement octets.</summary>
    public void WriteInteger(long value, byte tag = BerTags.IntegerTag)
    {
        Span<byte> octets = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(octets, value);
        var skip = 0;
        // Leading octets that only repeat the sign are dropped (X.690 §8.3.2).
        while (skip < 7 && ((octets[skip] == 0x00 && (octets[skip + 1] & 0x80) == 0) || (octets[skip] == 0xFF && (octets[skip + 1] & 0x80) != 0)))
        {
            skip++;
        }

        WritePrimitive(tag, octets[skip..]);
    }

    public void WriteBoolean(bool value) => WritePrimitive(BerTags.Boolean, [value ? (byte)0xFF : (byte)0x00]);

    /// <summary>An OCTET STRING (or a primitive context tag such as simple authentication [0]) holding UTF-8 text.</summary>
    public void WriteString(string value, byte tag = BerTags.OctetString)
    {
        var octets = Encoding.UTF8.GetBytes(value);
        WritePrimitive(tag, octets);
    }

    public void WritePrimitive(byte tag, ReadOnlySpan<byte> contents)
    {
        WriteByte(tag);
        Span<byte> length = stackalloc byte[5];
        var lengthSize = EncodeLength(contents.Length, length);
        Reserve(lengthSize + contents.Length);
        length[..lengthSize].CopyTo(_buffer.AsSpan(_length));
        _length += lengthSize;
        contents.CopyTo(_buffer.AsSpan(_length));
        _length += contents.Length;
    }

    private static int EncodeLength(int length, Span<byte> destination)
    {
        if (length < 0x80)
        {
            destination[0] = (byte)length;
            return 1;
        }

        var octets = length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : length <= 0xFFFFFF ? 3 : 4;
        destination[0] = (byte)(0x80 | octets);
        for (var i = 0; i < octets; i++)
        {
            destination[octets - i] = (byte)(length >> (8 * i));
        }

        return octets + 1;
    }

    private void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void Reserve(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
