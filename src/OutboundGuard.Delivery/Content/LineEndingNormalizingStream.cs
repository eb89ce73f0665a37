using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Delivery.Content;

/// <summary>
/// A read-only stream over spooled content that rewrites every bare CR and bare LF to CRLF while it is
/// read, in constant memory. RFC 5321 §2.3.8 allows only CRLF as a line ending; a bare LF or CR passed
/// on could be read as a line ending by the next hop but not by us, which is how "SMTP smuggling"
/// (e.g. LF.CRLF ending DATA early downstream) injects a second message. Relaying only CRLF closes that.
/// </summary>
internal sealed class LineEndingNormalizingStream(Stream inner, bool leaveOpen = false) : ReadOnlyStream
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly byte[] _input = new byte[16 * 1024];
    private readonly byte[] _output = new byte[32 * 1024 + 2];
    private int _outputStart;
    private int _outputEnd;
    private bool _afterCr;
    private bool _innerDone;

    /// <summary>How many bare CR or LF were rewritten so far.</summary>
    public long Repairs { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        while (_outputStart == _outputEnd && !_innerDone)
        {
            Transform(inner.Read(_input, 0, _input.Length));
        }

        return CopyOut(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputStart == _outputEnd && !_innerDone)
        {
            Transform(await inner.ReadAsync(_input, cancellationToken).ConfigureAwait(false));
        }

        return CopyOut(buffer.Span);
    }

    private int CopyOut(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, count).CopyTo(buffer);
        _outputStart += count;
        return count;
    }

    /// <summary>Rewrites one chunk of input into the output buffer (at most twice its size, plus a final LF).</summary>
    private void Transform(int read)
    {
        _outputStart = 0;
        _outputEnd = 0;
        if (read == 0)
        {
            _innerDone = true;
            if (_afterCr)
            {
                // The content ends in a bare CR.
                _output[_outputEnd++] = Lf;
                _afterCr = false;
                Repairs++;
            }

            return;
        }

        foreach (var b in _input.AsSpan(0, read))
        {
            if (_afterCr)
            {
                _afterCr = false;
                if (b == Lf)
                {
                    _output[_outputEnd++] = Lf;
                    continue;
                }

                // A CR not followed by LF: complete it to CRLF, then handle this byte.
                _output[_outputEnd++] = Lf;
                Repairs++;
            }

            if (b == Cr)
            {
                _output[_outputEnd++] = Cr;
                _afterCr = true;
            }
            else if (b == Lf)
            {
                _output[_outputEnd++] = Cr;
                _output[_outputEnd++] = Lf;
                Repairs++;
            }
            else
            {
                _output[_outputEnd++] = b;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
