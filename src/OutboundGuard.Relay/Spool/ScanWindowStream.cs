using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>
/// A read-only view of the first <c>limit</c> octets of a stream: scoring reads at most this much of a
/// message, so a 50 MB attachment costs no more memory than the window. Spam and phishing give themselves
/// away in their headers, text and links, which come first.
/// </summary>
internal sealed class ScanWindowStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _remaining = limit;

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
        _remaining -= read;
        return read;
    }
}
