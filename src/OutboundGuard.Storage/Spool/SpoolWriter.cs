using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// One message's content being written to the spool. Nothing is durable until <see cref="CommitAsync"/>;
/// disposing an uncommitted writer deletes the partial file.
/// </summary>
/// <remarks>
/// The content collects in one pooled buffer of <see cref="BufferOctets"/>; a full buffer is written out
/// asynchronously (a large message), the rest at commit with one synchronous write and one fsync. A message
/// that fits the buffer (most mail) thus costs open, one write, one fsync and close, and no hop to the
/// thread pool: on Linux every asynchronous file write is one, and this one goes to the page cache anyway.
/// When the spool syncs as a group (<see cref="SpoolSync.Group"/>), <see cref="CommitFileAsync"/> leaves out the fsync:
/// the spool committer's sync makes the file durable before its row commits.
/// </remarks>
public sealed class SpoolWriter : IAsyncDisposable
{
    /// <summary>Octets collected before they are written to the file: 64 KiB.</summary>
    public const int BufferOctets = 64 * 1024;

    private readonly FileSpool _spool;
    private readonly SafeFileHandle _file;
    private byte[]? _buffer;
    private int _buffered;
    private long _written;
    private bool _committed;

    /// <summary>Writes to a new file at <paramref name="path"/>, made from <paramref name="recycled"/> (an emptied file) when given.</summary>
    internal SpoolWriter(FileSpool spool, string path, string? recycled)
    {
        _spool = spool;
        Path = path;
        SyncEpoch = spool.GroupSync?.Begin() ?? 0;
        _file = recycled is not null && TryRename(recycled, path)
            // Truncate again (a no-op on an emptied file) so the file's time is now: the orphan sweep judges a file by it.
            ? File.OpenHandle(path, FileMode.Truncate, FileAccess.Write, FileShare.Read)
            : File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferOctets);
    }

    private static bool TryRename(string from, string to)
    {
        try
        {
            // The target is a new message id's name, so nothing is overwritten; overwrite lets .NET use one rename().
            File.Move(from, to, overwrite: true);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left where it is (the next start removes it); this message gets a new file.
            return false;
        }
    }

    /// <summary>The group sync's error epoch when this file began (<see cref="SpooledMessage.SpoolSyncEpoch"/>).</summary>
    public long SyncEpoch { get; }

    /// <summary>Where the content is stored.</summary>
    public string Path { get; }

    /// <summary>Octets written so far.</summary>
    public long Length => _written + _buffered;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(SpoolWriter));
        var room = buffer.Length - _buffered;
        if (content.Length <= room)
        {
            content.Span.CopyTo(buffer.AsSpan(_buffered));
            _buffered += content.Length;
            return ValueTask.CompletedTask;
        }

        return WriteThroughAsync(content, cancellationToken);
    }

    /// <summary>The buffer is full: writes it out, and what else arrived, and keeps the remainder.</summary>
    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var buffer = _buffer!;
        while (_buffered + content.Length > buffer.Length)
        {
            var take = buffer.Length - _buffered;
            content[..take].CopyTo(buffer.AsMemory(_buffered));
            content = content[take..];
            await RandomAccess.WriteAsync(_file, buffer.AsMemory(0, buffer.Length), _written, cancellationToken);
            _written += buffer.Length;
            _buffered = 0;
        }

        content.CopyTo(buffer.AsMemory(_buffered));
        _buffered += content.Length;
    }

    /// <summary>Flushes the content and fsyncs the file and its folder: after this, a crash keeps the file.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        CommitFile(fsync: true);
        NativeMethods.FsyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Flushes the content and fsyncs the file only; its folder entry is made durable by
    /// <see cref="SpoolCommitter"/>, once for every message of a batch created in the same folder. When the spool syncs
    /// as a group, the content is written but not fsynced: the committer's sync makes it durable with the group's.
    /// </summary>
    public ValueTask CommitFileAsync(CancellationToken cancellationToken)
    {
        CommitFile(fsync: _spool.GroupSync is null);
        return ValueTask.CompletedTask;
    }

    private void CommitFile(bool fsync)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(SpoolWriter));
        if (_buffered > 0)
        {
            RandomAccess.Write(_file, buffer.AsSpan(0, _buffered), _written);
            _written += _buffered;
            _buffered = 0;
        }

        if (fsync)
        {
            RandomAccess.FlushToDisk(_file);
        }

        Release();
        _committed = true;
    }

    /// <summary>Forgets the content (the message was not accepted, or is refused after it was stored).</summary>
    public ValueTask DiscardAsync()
    {
        Release();
        _spool.Remove(Path);
        _committed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Release();
        if (!_committed)
        {
            _spool.Remove(Path);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the file and returns the buffer to the pool (once).</summary>
    private void Release()
    {
        _file.Dispose();
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
