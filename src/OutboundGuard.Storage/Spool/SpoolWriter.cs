namespace OutboundGuard.Storage.Spool;

/// <summary>
/// One message's content being written to the spool. Nothing is durable until <see cref="CommitAsync"/>;
/// disposing an uncommitted writer deletes the partial file.
/// </summary>
public sealed class SpoolWriter : IAsyncDisposable
{
    private readonly FileStream _file;
    private bool _committed;

    internal SpoolWriter(string path)
    {
        Path = path;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
    }

    /// <summary>Where the content is stored.</summary>
    public string Path { get; }

    /// <summary>Octets written so far.</summary>
    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await _file.WriteAsync(content, cancellationToken);
        Length += content.Length;
    }

    /// <summary>Flushes the content and fsyncs the file and its folder: after this, a crash keeps the file.</summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
        NativeMethods.FsyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _committed = true;
    }

    /// <summary>
    /// Flushes the content and fsyncs the file only; its folder entry is made durable by
    /// <see cref="SpoolCommitter"/>, once for every message of a batch created in the same folder.
    /// </summary>
    public async ValueTask CommitFileAsync(CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken);
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
        _committed = true;
    }

    /// <summary>Forgets the content (the message was not accepted, or is refused after it was stored).</summary>
    public async ValueTask DiscardAsync()
    {
        await _file.DisposeAsync();
        FileSpool.Delete(Path);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        if (!_committed)
        {
            FileSpool.Delete(Path);
        }
    }
}
