namespace OutboundGuard.Storage.Spool;

/// <summary>
/// Message content on disk: one file per message under <c>DATA/spool/xx/</c> (xx = the id's last two hex digits,
/// random in a version 7 id, so files spread evenly and no folder grows huge; the first two are the clock's top bits
/// and would put every file of a decade in one folder, whose lock every create and delete then waits for). The row
/// keeps each file's full path, so files stored under another scheme stay readable. A file is written while the
/// message arrives, then made durable (fsynced with its folder, or synced with its group) before the envelope row
/// commits and the client gets its 250.
/// With <c>recycledFiles</c> above zero, removed files are emptied and reused by later messages, of the same folder
/// first, else of another (<see cref="RecycledSpoolFiles"/>), instead of being unlinked and created again. With <see cref="SpoolSync.Group"/>
/// the files are made durable by the spool committer, a group at a time (<see cref="SpoolFileSystemSync"/>), instead of
/// one fsync each.
/// </summary>
public sealed class FileSpool : IDisposable
{
    /// <summary>Emptied files the relay keeps for reuse unless configured otherwise (64 per folder; an empty file is one inode and its name, no data block).</summary>
    public const int DefaultRecycledFiles = 16384;

    private const int Folders = 256;

    private readonly RecycledSpoolFiles? _recycled;

    /// <summary>
    /// Creates the spool under <paramref name="directory"/> with its 256 subfolders, synced once. With
    /// <paramref name="recycledFiles"/> above zero, up to that many emptied files are kept for reuse, and free files an
    /// earlier process left are unlinked now (another node's on a shared spool too: that node then creates new files
    /// where its free ones are gone). The relay passes <c>Storage:RecycledSpoolFiles</c> and <c>Storage:SpoolSync</c>;
    /// command-line tools pass neither (they store nothing through the committer).
    /// </summary>
    public FileSpool(string directory, int recycledFiles = 0, SpoolSync sync = SpoolSync.File)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        for (var i = 0; i < Folders; i++)
        {
            var sub = Path.Combine(Directory, i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            if (!System.IO.Directory.Exists(sub))
            {
                System.IO.Directory.CreateDirectory(sub);
            }
        }

        NativeMethods.FsyncDirectory(Directory);
        _recycled = recycledFiles > 0 ? new RecycledSpoolFiles(Directory, Folders, recycledFiles) : null;
        Sync = sync switch
        {
            SpoolSync.Auto => NativeMethods.SupportsGroupSync(Directory) ? SpoolSync.Group : SpoolSync.File,
            SpoolSync.Group when !NativeMethods.SupportsGroupSync(Directory) =>
                throw new IOException($"The spool {Directory} cannot be synced as a group (not a local Linux file system); use Storage:SpoolSync File."),
            _ => sync,
        };
        GroupSync = Sync == SpoolSync.Group ? new SpoolFileSystemSync(Directory) : null;
    }

    /// <summary>How this spool's files are made durable (<see cref="SpoolSync.Auto"/> resolved).</summary>
    public SpoolSync Sync { get; }

    /// <summary>The group sync of this spool's file system when <see cref="Sync"/> is <see cref="SpoolSync.Group"/>.</summary>
    internal SpoolFileSystemSync? GroupSync { get; }

    /// <summary>Emptied files kept for reuse now.</summary>
    public int RecycledFiles => _recycled?.Count ?? 0;

    /// <summary>The spool's root folder.</summary>
    public string Directory { get; }

    /// <summary>The path of a message's content file.</summary>
    public string PathOf(Guid messageId)
    {
        var name = messageId.ToString("N");
        return Path.Combine(Directory, name[^2..], name + ".eml");
    }

    /// <summary>
    /// Starts writing a new message's content: in an emptied file when one is kept (renamed within its folder, which may
    /// be another than <see cref="PathOf"/>'s; the writer's <see cref="SpoolWriter.Path"/> says where), else in a new
    /// file at <see cref="PathOf"/>.
    /// </summary>
    public SpoolWriter Create(Guid messageId)
    {
        var path = PathOf(messageId);
        var free = _recycled?.TryTake(path);
        if (free is not null)
        {
            path = Path.Combine(Path.GetDirectoryName(free)!, Path.GetFileName(path));
        }

        return new SpoolWriter(this, path, free);
    }

    /// <summary>
    /// Removes a message's content the row no longer needs: emptied and kept for reuse when this spool keeps files and
    /// the file is one of its message files, otherwise unlinked. A missing file is fine.
    /// </summary>
    /// <exception cref="IOException">The file could not be unlinked.</exception>
    public void Remove(string path)
    {
        if (_recycled?.TryKeep(path) != true)
        {
            Delete(path);
        }
    }

    /// <summary>Opens a stored message's content for reading (a small file is read without thread hops, see <see cref="SpoolReadStream"/>).</summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    public static SpoolReadStream OpenRead(string path) => new(path);

    /// <summary>Unlinks a message's content (for callers without the relay's spool); a missing file is fine.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Closes the group sync's handle on the spool folder.</summary>
    public void Dispose() => GroupSync?.Dispose();
}
