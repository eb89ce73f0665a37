namespace OutboundGuard.Hosting;

/// <summary>Where state lives. Section "OutboundGuard:Storage".</summary>
public sealed class StorageOptions
{
    public const string Section = "OutboundGuard:Storage";

    /// <summary>
    /// Connection string of an external PostgreSQL. Empty (the default) starts a private cluster in
    /// <see cref="DataDirectory"/>/postgres on a free loopback port.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the private cluster, the spool, the sink and keys. Defaults to ./data.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Emptied spool files kept for reuse by later messages instead of being unlinked and created again (see
    /// docs/storage.md); 0 unlinks every removed file.
    /// </summary>
    public int RecycledSpoolFiles { get; set; } = OutboundGuard.Storage.Spool.FileSpool.DefaultRecycledFiles;

    /// <summary>
    /// How a stored message's file is made durable before its 250 (docs/delivery.md): <c>Auto</c> (the default) syncs
    /// the files of each group commit with one <c>syncfs</c> on a local Linux file system and fsyncs each file on a
    /// network one; <c>Group</c> or <c>File</c> choose.
    /// </summary>
    public OutboundGuard.Storage.Spool.SpoolSync SpoolSync { get; set; } = OutboundGuard.Storage.Spool.SpoolSync.Auto;
}
