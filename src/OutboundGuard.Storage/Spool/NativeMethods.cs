using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// libc calls .NET does not expose: fsync of a directory, so a new spool file's name is durable too; truncate by name,
/// so emptying a file for reuse is one call rather than open, truncate and close; syncfs, so one call makes a group of
/// files durable; statfs, to tell a network file system (where the spool syncs file by file).
/// </summary>
internal static class NativeMethods
{
    private const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054 // ASCII file paths; a plain DllImport keeps unsafe code out of the project.
    private static extern int Open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);
#pragma warning restore CA2101, SYSLIB1054

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054
    private static extern int Fsync(SafeFileHandle fd);
#pragma warning restore SYSLIB1054

    [DllImport("libc", EntryPoint = "truncate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054
    private static extern int TruncateFile([MarshalAs(UnmanagedType.LPStr)] string path, long length);
#pragma warning restore CA2101, SYSLIB1054

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054
    private static extern int SyncFs(SafeFileHandle fd);
#pragma warning restore SYSLIB1054

    [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054
    private static extern int StatFs([MarshalAs(UnmanagedType.LPStr)] string path, byte[] buffer);
#pragma warning restore CA2101, SYSLIB1054

    /// <summary>f_type of the file systems whose durability is the server's (statfs(2)): NFS, SMB/CIFS (two), Ceph, FUSE, 9p.</summary>
    private static readonly long[] NetworkFileSystems = [0x6969, 0xFF534D42, 0xFE534D42, 0x00C36400, 0x65735546, 0x01021997];

    /// <summary>Opens a folder to sync it (<see cref="FsyncDirectory"/>, <see cref="SyncFileSystem"/>).</summary>
    /// <exception cref="IOException">The folder could not be opened.</exception>
    public static SafeFileHandle OpenDirectory(string path)
    {
        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open spool folder {path} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>syncfs(2): writes back every dirty file of the file system holding <paramref name="folder"/> and flushes the device.</summary>
    /// <exception cref="IOException">A write-back error was reported (since Linux 5.8 syncfs reports them).</exception>
    public static void SyncFileSystem(SafeFileHandle folder)
    {
        if (SyncFs(folder) != 0)
        {
            throw new IOException($"Could not sync the spool's file system (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Whether the spool can be synced as a group: Linux, and a local file system (statfs's f_type is not a network one).</summary>
    public static bool SupportsGroupSync(string path)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return false;
        }

        // struct statfs on 64-bit Linux: f_type is its first field, a long; the buffer is larger than the struct (120 octets).
        var buffer = new byte[256];
        if (StatFs(path, buffer) != 0)
        {
            return false;
        }

        var type = BitConverter.ToInt64(buffer, 0) & 0xFFFFFFFF;
        return Array.IndexOf(NetworkFileSystems, type) < 0;
    }

    /// <summary>Cuts a file to zero length.</summary>
    /// <exception cref="IOException">The file could not be truncated (missing, or an I/O error).</exception>
    public static void Truncate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            using var file = File.OpenHandle(path, FileMode.Truncate, FileAccess.Write);
            return;
        }

        if (TruncateFile(path, 0) != 0)
        {
            throw new IOException($"Could not empty spool file {path} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>fsyncs a directory so that entries created in it survive a crash.</summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        using var folder = OpenDirectory(path);
        if (Fsync(folder) != 0)
        {
            throw new IOException($"Could not sync spool folder {path} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }
}
