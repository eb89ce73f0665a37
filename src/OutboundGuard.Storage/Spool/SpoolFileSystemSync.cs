using Microsoft.Win32.SafeHandles;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// Group sync of the spool (<see cref="SpoolSync.Group"/>): files are written without an fsync of their own, and the
/// spool committer makes all of them durable at once with <c>syncfs</c> on the spool's file system (data, inodes and
/// folder entries of every file written before the call, then one device flush) before it commits their rows.
/// </summary>
/// <remarks>
/// A write-back error is reported by the next <c>syncfs</c>, whichever file it belonged to (the kernel keeps one error
/// sequence per file system). So a failed sync fails its whole group, and it also counts as an error epoch: a file
/// whose writing began before a failed sync (<see cref="Begin"/>) may have lost pages in that failure, so its row is
/// refused even when its own group's sync succeeds (<see cref="WrittenSafely"/>). The client then gets a 451 and keeps
/// the message: a false alarm costs a retry, a missed one would lose mail.
/// </remarks>
internal sealed class SpoolFileSystemSync : IDisposable
{
    private readonly SafeFileHandle _root;
    private long _errors;

    public SpoolFileSystemSync(string directory)
    {
        _root = NativeMethods.OpenDirectory(directory);
    }

    /// <summary>The error epoch a file's writing begins in; pass it to <see cref="WrittenSafely"/> before its row commits.</summary>
    public long Begin() => Interlocked.Read(ref _errors);

    /// <summary>Makes every file written so far durable.</summary>
    /// <exception cref="IOException">The file system reported a write-back error since the last sync: nothing of this group is known durable.</exception>
    public void SyncAll()
    {
        try
        {
            NativeMethods.SyncFileSystem(_root);
        }
        catch (IOException)
        {
            Interlocked.Increment(ref _errors);
            throw;
        }
    }

    /// <summary>No sync failed since the file's writing began in <paramref name="epoch"/>.</summary>
    public bool WrittenSafely(long epoch) => Interlocked.Read(ref _errors) == epoch;

    public void Dispose() => _root.Dispose();
}
