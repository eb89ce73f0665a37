using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Parses a PROXY protocol header, version 1 (text) or 2 (binary), as HAProxy's "proxy-protocol.txt"
/// specifies. Pure and synchronous: the caller feeds what arrived and reads more on <see cref="ProxyParse.Incomplete"/>.
/// </summary>
internal static class ProxyProtocolReader
{
    /// <summary>The v2 signature: \r\n\r\n\0\r\nQUIT\n (§2.2).</summary>
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A v1 header is at most 107 octets with its CRLF (§2.1).</summary>
    private const int V1MaxLength = 107;

    /// <summary>Largest v2 address block accepted (addresses and TLVs); HAProxy sends far less.</summary>
    private const int V2MaxLength = 1024;

    /// <summary>
    /// Tries to parse one header at the start of <paramref name="reader"/>. On <see cref="ProxyParse.Parsed"/>
    /// the reader is past the header; on <see cref="ProxyParse.Incomplete"/> it is unmoved; on
    /// <see cref="ProxyParse.Invalid"/> <paramref name="error"/> says why.
    /// </summary>
    public static ProxyParse TryParse(ref SequenceReader<byte> reader, out ProxyHeader? header, out string? error)
    {
        header = null;
        error = null;
        if (reader.Remaining == 0)
        {
            return ProxyParse.Incomplete;
        }

        reader.TryPeek(out var first);
        return first switch
        {
            (byte)'P' => TryParseV1(ref reader, out header, out error),
            0x0D => TryParseV2(ref reader, out header, out error),
            _ => Invalid("no PROXY protocol header", out error),
        };
    }

    private static ProxyParse TryParseV1(ref SequenceReader<byte> reader, out ProxyHeader? header, out string? error)
    {
        header = null;
        error = null;
        var start = reader;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, "\r\n"u8, advancePastDelimiter: true))
        {
            reader = start;
            return reader.Remaining >= V1MaxLength ? Invalid("PROXY v1 line longer than 107 octets", out error) : ProxyParse.Incomplete;
        }

        if (lineBytes.Length + 2 > V1MaxLength)
        {
            return Invalid("PROXY v1 line longer than 107 octets", out error);
        }

        var line = Encoding.ASCII.GetString(lineBytes);
        var parts = line.Split(' ');
        if (parts.Length < 2 || parts[0] != "PROXY")
        {
            return Invalid("malformed PROXY v1 line", out error);
        }

        if (parts[1] == "UNKNOWN")
        {
            header = new ProxyHeader(null, null, 1);
            return ProxyParse.Parsed;
        }

        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6"))
        {
            return Invalid("malformed PROXY v1 line", out error);
        }

        var family = parts[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[2], out var source) || !IPAddress.TryParse(parts[3], out var destination)
            || source.AddressFamily != family || destination.AddressFamily != family
            || !TryParsePort(parts[4], out var sourcePort) || !TryParsePort(parts[5], out var destinationPort))
        {
            return Invalid("bad address or port in PROXY v1 line", out error);
        }

        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 1);
        return ProxyParse.Parsed;
    }

    private static ProxyParse TryParseV2(ref SequenceReader<byte> reader, out ProxyHeader? header, out string? error)
    {
        header = null;
        error = null;
        Span<byte> fixedPart = stackalloc byte[16];
        if (!reader.TryCopyTo(fixedPart))
        {
            // Fewer than 16 octets so far: wrong already if what is there does not match the signature.
            var have = (int)Math.Min(reader.Remaining, 12);
            Span<byte> prefix = stackalloc byte[have];
            reader.TryCopyTo(prefix);
            return V2Signature[..have].SequenceEqual(prefix) ? ProxyParse.Incomplete : Invalid("no PROXY protocol header", out error);
        }

        if (!fixedPart[..12].SequenceEqual(V2Signature))
        {
            return Invalid("no PROXY protocol header", out error);
        }

        var version = fixedPart[12] >> 4;
        var command = fixedPart[12] & 0x0F;
        var family = fixedPart[13] >> 4;
        var transport = fixedPart[13] & 0x0F;
        var length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (version != 2 || command > 1)
        {
            return Invalid($"unsupported PROXY v2 version {version} or command {command}", out error);
        }

        if (length > V2MaxLength)
        {
            return Invalid($"PROXY v2 address block of {length} octets is too long", out error);
        }

        if (reader.Remaining < 16 + length)
        {
            return ProxyParse.Incomplete;
        }

        reader.Advance(16);
        var block = new byte[length];
        reader.TryCopyTo(block);
        reader.Advance(length);

        // LOCAL (a health check of the balancer itself), UNSPEC or unix sockets: the connection's own addresses apply (§2.2).
        if (command == 0 || transport != 1 || family is not (1 or 2))
        {
            header = new ProxyHeader(null, null, 2);
            return ProxyParse.Parsed;
        }

        var addressLength = family == 1 ? 4 : 16;
        if (length < (2 * addressLength) + 4)
        {
            return Invalid("PROXY v2 address block too short for its family", out error);
        }

        var source = new IPAddress(block.AsSpan(0, addressLength));
        var destination = new IPAddress(block.AsSpan(addressLength, addressLength));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(2 * addressLength));
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan((2 * addressLength) + 2));
        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 2);
        return ProxyParse.Parsed;
    }

    private static bool TryParsePort(string text, out int port)
        => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port <= 65535 && text.Length <= 5;

    private static ProxyParse Invalid(string why, out string? error)
    {
        error = why;
        return ProxyParse.Invalid;
    }
}

/// <summary>Outcome of <see cref="ProxyProtocolReader.TryParse"/>.</summary>
internal enum ProxyParse
{
    Incomplete,
    Parsed,
    Invalid,
}
