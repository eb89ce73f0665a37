using System.Runtime.InteropServices;

namespace OutboundGuard.Storage.Spool;

/// <summary>
/// libc calls .NET does not expose: fsync of a directory, so a new spool file's name is durable too; truncate by name,
/// so emptying a file for reuse is one call rather than open, truncate and close.
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
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054

    [DllImport("libc", EntryPoint = "truncate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054
    private static extern int TruncateFile([MarshalAs(UnmanagedType.LPStr)] string path, long length);
#pragma warning restore CA2101, SYSLIB1054

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

        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open spool folder {path} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Could not sync spool folder {path} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
