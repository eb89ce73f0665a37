namespace OutboundGuard.Storage.Spool;

/// <summary>
/// Message content on disk: one file per message under <c>DATA/spool/xx/</c> (xx = the id's last two hex digits,
/// random in a version 7 id, so files spread evenly and no folder grows huge; the first two are the clock's top bits
/// and would put every file of a decade in one folder, whose lock every create and delete then waits for). The row
/// keeps each file's full path, so files stored under another scheme stay readable. A file is written while the
/// message arrives, then fsynced with its folder before the envelope row commits and the client gets its 250.
/// </summary>
public sealed class FileSpool
{
    /// <summary>Creates the spool under <paramref name="directory"/> with its 256 subfolders, synced once.</summary>
    public FileSpool(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        for (var i = 0; i < 256; i++)
        {
            var sub = Path.Combine(Directory, i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            if (!System.IO.Directory.Exists(sub))
            {
                System.IO.Directory.CreateDirectory(sub);
            }
        }

        NativeMethods.FsyncDirectory(Directory);
    }

    /// <summary>The spool's root folder.</summary>
    public string Directory { get; }

    /// <summary>The path of a message's content file.</summary>
    public string PathOf(Guid messageId)
    {
        var name = messageId.ToString("N");
        return Path.Combine(Directory, name[^2..], name + ".eml");
    }

    /// <summary>Starts writing a new message's content.</summary>
    public SpoolWriter Create(Guid messageId) => new(PathOf(messageId));

    /// <summary>Opens a stored message's content for reading (a small file is read without thread hops, see <see cref="SpoolReadStream"/>).</summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    public static SpoolReadStream OpenRead(string path) => new(path);

    /// <summary>Removes a message's content; a missing file is fine.</summary>
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
}
