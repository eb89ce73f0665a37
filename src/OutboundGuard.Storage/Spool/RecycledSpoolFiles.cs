using System.Collections.Concurrent;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// Emptied spool files kept for the next messages: removing a message's content truncates its file and renames it
/// to <c>&lt;id&gt;.free</c> in the same folder, and the next message whose id falls in that folder (or, when its own
/// folder has none, any message) renames it to its own name within that folder instead of creating a file. Creating a file costs the file system an inode allocation, and on ext4 without a
/// journal that allocation skips every inode freed in the last half minute (each one checked in the inode table), so
/// a relay that creates and removes hundreds of files a second paid more per create the longer it ran; a rename within
/// one folder allocates and frees nothing.
/// </summary>
/// <remarks>
/// At most <c>capacity / 256</c> files are kept per folder; a removal beyond that unlinks. Files are truncated before
/// they are kept, so no content waits in a free file. Free files are only this process's: at start every <c>.free</c>
/// file left by an earlier process is unlinked rather than reused (after a crash on a file system without a journal,
/// a rename may not have reached the disk, and a name left in both places must never be truncated again).
/// </remarks>
internal sealed class RecycledSpoolFiles
{
    /// <summary>Extension of an emptied file waiting for reuse; never <c>.eml</c>, so the orphan sweep passes it by.</summary>
    public const string Extension = ".free";

    private readonly string _root;
    private readonly int _perFolder;
    private readonly ConcurrentQueue<string>[] _free;
    private readonly int[] _counts;

    public RecycledSpoolFiles(string root, int folders, int capacity)
    {
        _root = root;
        _perFolder = Math.Max(1, capacity / folders);
        _free = new ConcurrentQueue<string>[folders];
        _counts = new int[folders];
        for (var i = 0; i < folders; i++)
        {
            _free[i] = new ConcurrentQueue<string>();
        }

        // Free files an earlier process left are unlinked, never reused (see the remarks).
        foreach (var path in Directory.EnumerateFiles(root, "*" + Extension, SearchOption.AllDirectories))
        {
            FileSpool.Delete(path);
        }
    }

    /// <summary>Files kept for reuse now.</summary>
    public int Count => _counts.Sum();

    /// <summary>
    /// An emptied file for a new message's file <paramref name="path"/>, for the caller to rename within the emptied
    /// file's folder: one of the same folder, else one of the next folder that has any, or null when none is kept. The
    /// folder named by the id is only where a file goes first: a burst spreads its files over the folders by chance, so
    /// one folder runs out while others keep free files, and a file created costs an inode allocation.
    /// </summary>
    public string? TryTake(string path)
    {
        if (FolderOf(path) is not { } first)
        {
            return null;
        }

        for (var i = 0; i < _free.Length; i++)
        {
            var folder = (first + i) % _free.Length;
            if (Volatile.Read(ref _counts[folder]) > 0 && _free[folder].TryDequeue(out var free))
            {
                Interlocked.Decrement(ref _counts[folder]);
                return free;
            }
        }

        return null;
    }

    /// <summary>
    /// Empties <paramref name="path"/> and keeps it for reuse; false (nothing kept: the caller unlinks it) when it is not
    /// a message file of this spool, its folder has enough free files, or the file could not be emptied or renamed.
    /// </summary>
    public bool TryKeep(string path)
    {
        if (FolderOf(path) is not { } folder || !path.EndsWith(".eml", StringComparison.Ordinal))
        {
            return false;
        }

        if (Interlocked.Increment(ref _counts[folder]) > _perFolder)
        {
            Interlocked.Decrement(ref _counts[folder]);
            return false;
        }

        var free = string.Concat(path.AsSpan(0, path.Length - ".eml".Length), Extension);
        try
        {
            NativeMethods.Truncate(path);
            File.Move(path, free, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Interlocked.Decrement(ref _counts[folder]);
            return false;
        }

        _free[folder].Enqueue(free);
        return true;
    }

    /// <summary>The index of the spool subfolder holding <paramref name="path"/> (<c>ROOT/xx/name</c>), or null.</summary>
    private int? FolderOf(string path)
    {
        var folder = Path.GetDirectoryName(path.AsSpan());
        if (folder.Length != _root.Length + 3 || !folder.StartsWith(_root, StringComparison.Ordinal) || folder[_root.Length] != Path.DirectorySeparatorChar)
        {
            return null;
        }

        return int.TryParse(folder[^2..], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < _free.Length ? index : null;
    }
}
