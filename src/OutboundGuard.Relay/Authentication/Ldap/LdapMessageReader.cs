namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// Reads whole LDAPMessages off the connection: the SEQUENCE tag, its definite length, then exactly that many octets,
/// never more (so nothing read past a StartTLS response is lost to the TLS handshake). A message longer than
/// <see cref="MaxMessageLength"/> is refused before anything of that size is allocated.
/// </summary>
public sealed class LdapMessageReader(Stream stream)
{
    /// <summary>
    /// Largest message accepted: 64 KiB. The relay asks for one attribute (<c>createTimestamp</c>) of at most two
    /// entries; a bind or StartTLS response is a few dozen octets.
    /// </summary>
    public const int MaxMessageLength = 65_536;

    private readonly byte[] _header = new byte[6];

    /// <summary>The next message's contents (inside the outer SEQUENCE); null when the server closed the connection between messages.</summary>
    /// <exception cref="InvalidDataException">Not an LDAPMessage, too long, or cut short.</exception>
    public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(_header.AsMemory(0, 2), allowEnd: true, cancellationToken))
        {
            return null;
        }

        if (_header[0] != BerTags.Sequence)
        {
            throw new InvalidDataException($"the server sent 0x{_header[0]:x2} where an LDAPMessage (0x30) was expected; is this an LDAP server?");
        }

        long length = _header[1];
        if (length == 0x80)
        {
            throw new InvalidDataException("the server sent an LDAPMessage of indefinite length (RFC 4511 §5.1 forbids it)");
        }

        if (length > 0x80)
        {
            var octets = (int)(length & 0x7F);
            if (octets > 4)
            {
                throw new InvalidDataException("the server sent an LDAPMessage whose length has more than 4 octets");
            }

            await FillAsync(_header.AsMemory(2, octets), allowEnd: false, cancellationToken);
            length = 0;
            for (var i = 0; i < octets; i++)
            {
                length = (length << 8) | _header[2 + i];
            }
        }

        if (length > MaxMessageLength)
        {
            throw new InvalidDataException($"the server sent an LDAPMessage of {length} octets, more than the {MaxMessageLength} accepted");
        }

        var contents = new byte[length];
        await FillAsync(contents, allowEnd: false, cancellationToken);
        return contents;
    }

    private async Task<bool> FillAsync(Memory<byte> buffer, bool allowEnd, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                return filled == 0 && allowEnd ? false : throw new InvalidDataException("the server closed the connection in the middle of an LDAPMessage");
            }

            filled += read;
        }

        return true;
    }
}
