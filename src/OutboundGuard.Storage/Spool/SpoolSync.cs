namespace OutboundGuard.Storage.Spool;

/// <summary>How a stored message's file is made durable before its row commits and the client gets its 250.</summary>
public enum SpoolSync
{
    /// <summary><see cref="Group"/> on a local Linux file system, <see cref="File"/> elsewhere (a network file system, another OS).</summary>
    Auto,

    /// <summary>
    /// Each group commit makes every file written before it durable with one <c>syncfs</c> of the spool's file system:
    /// one device flush per group instead of a file <c>fsync</c> and a folder <c>fsync</c> per message.
    /// </summary>
    Group,

    /// <summary>Each file is fsynced by its session, and each folder a group created files in once before the group commits.</summary>
    File,
}
