using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// A stored message's content for reading (scoring, delivery, the admin views): seekable, with one pooled read-ahead
/// buffer of at most <see cref="ReadAheadOctets"/>. A file of at most <see cref="InlineOctets"/> is read
/// synchronously even through <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>: on Linux every asynchronous
/// file read is a hop to the thread pool and back, and a small spool file is one read from the page cache (it was
/// just written), so the 10 KB message that scoring and delivery each read costs one <c>pread</c> each instead of
/// several thread hops. Larger files are read asynchronously as before, so a 50 MB message blocks no thread.
/// </summary>
public sealed class SpoolReadStream : ReadOnlyStream
{
    /// <summary>Largest file read synchronously: 1 MiB.</summary>
    public const long InlineOctets = 1024 * 1024;

    /// <summary>Largest read-ahead buffer: 64 KiB (a smaller file gets a buffer of its size).</summary>
    public const int ReadAheadOctets = 64 * 1024;

    private readonly SafeFileHandle _file;
    private readonly long _length;
    private byte[]? _buffer;
    private long _bufferStart;
    private int _bufferCount;
    private long _position;

    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="DirectoryNotFoundException">Its folder is gone.</exception>
    internal SpoolReadStream(string path)
    {
        Path = path;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        _length = RandomAccess.GetLength(_file);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    public override bool CanSeek => true;

    /// <summary>The file's length when it was opened (a spool file is complete before anyone reads it).</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override int Read(Span<byte> buffer)
    {
        if (TryReadBuffered(buffer, out var read))
        {
            return read;
        }

        var ahead = ReadAheadBuffer();
        if (buffer.Length >= ahead.Length)
        {
            read = RandomAccess.Read(_file, buffer, _position);
            _position += read;
            return read;
        }

        _bufferStart = _position;
        _bufferCount = RandomAccess.Read(_file, ahead, _position);
        TryReadBuffered(buffer, out read);
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (_length <= InlineOctets)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }

        return TryReadBuffered(buffer.Span, out var read) ? ValueTask.FromResult(read) : ReadLargeAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadLargeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read;
        var ahead = ReadAheadBuffer();
        if (buffer.Length >= ahead.Length)
        {
            read = await RandomAccess.ReadAsync(_file, buffer, _position, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        _bufferStart = _position;
        _bufferCount = await RandomAccess.ReadAsync(_file, ahead, _position, cancellationToken).ConfigureAwait(false);
        TryReadBuffered(buffer.Span, out read);
        return read;
    }

    /// <summary>Serves the read from the read-ahead buffer, or at the end of the file with 0, without a system call.</summary>
    private bool TryReadBuffered(Span<byte> destination, out int read)
    {
        if (_position >= _length || destination.IsEmpty)
        {
            read = 0;
            return true;
        }

        var offset = _position - _bufferStart;
        if (_buffer is null || offset < 0 || offset >= _bufferCount)
        {
            read = 0;
            return false;
        }

        read = Math.Min(destination.Length, _bufferCount - (int)offset);
        _buffer.AsSpan((int)offset, read).CopyTo(destination);
        _position += read;
        return true;
    }

    private byte[] ReadAheadBuffer() => _buffer ??= ArrayPool<byte>.Shared.Rent((int)Math.Clamp(_length, 1, ReadAheadOctets));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            if (_buffer is { } buffer)
            {
                _buffer = null;
                _bufferCount = 0;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        base.Dispose(disposing);
    }
}
