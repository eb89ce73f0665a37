using System.Text;

namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// Reads the smarthost's replies from the connection through one buffer that lives as long as the connection, so that
/// pipelined replies arriving in one segment are parsed without another read. Bounded: a line longer than
/// <see cref="MaxLineOctets"/> or a reply of more than <see cref="MaxLines"/> lines ends the session as a protocol
/// error instead of growing memory.
/// </summary>
internal sealed class SmarthostReplyReader
{
    /// <summary>RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; servers' texts run longer in practice.</summary>
    public const int MaxLineOctets = 4096;

    public const int MaxLines = 100;

    private readonly byte[] _buffer = new byte[MaxLineOctets + 2];
    private Stream _stream;
    private int _start;
    private int _end;

    public SmarthostReplyReader(Stream stream) => _stream = stream;

    /// <summary>Whether reply octets are buffered and not yet read (a server must not talk before it is asked).</summary>
    public bool HasBuffered => _end > _start;

    /// <summary>Reads from <paramref name="stream"/> from now on (after STARTTLS); nothing may be buffered.</summary>
    public void SwitchTo(Stream stream)
    {
        if (HasBuffered)
        {
            throw new SmarthostProtocolException("the smarthost sent data after its STARTTLS reply, before the TLS handshake");
        }

        _stream = stream;
    }

    public async ValueTask<SmarthostReply> ReadAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        for (var lines = 0; lines < MaxLines; lines++)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !IsDigit(line[0], '2', '5') || !IsDigit(line[1], '0', '9') || !IsDigit(line[2], '0', '9')
                || (line.Length > 3 && line[3] is not ((byte)' ' or (byte)'-')))
            {
                throw new SmarthostProtocolException("the smarthost sent a line that is no SMTP reply");
            }

            var code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
            if (lines > 0)
            {
                text.Append('\n');
            }

            if (line.Length > 4)
            {
                text.Append(Encoding.UTF8.GetString(line[4..]));
            }

            if (line.Length == 3 || line[3] == (byte)' ')
            {
                return new SmarthostReply(code, text.ToString());
            }
        }

        throw new SmarthostProtocolException($"the smarthost sent a reply of more than {MaxLines} lines");
    }

    private static bool IsDigit(byte b, char low, char high) => b >= low && b <= high;

    /// <summary>The next line without its CRLF (a bare LF ends a line too); valid until the next read.</summary>
    private async ValueTask<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var length = newline > 0 && _buffer[_start + newline - 1] == (byte)'\r' ? newline - 1 : newline;
                var line = _buffer.AsSpan(_start, length).ToArray();
                _start += newline + 1;
                return line;
            }

            if (_end - _start > MaxLineOctets)
            {
                throw new SmarthostProtocolException($"the smarthost sent a reply line longer than {MaxLineOctets} octets");
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the smarthost closed the connection");
            }

            _end += read;
        }
    }
}
