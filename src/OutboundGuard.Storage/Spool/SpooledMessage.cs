namespace OutboundGuard.Storage.Spool;

/// <summary>The envelope row of an accepted message, as it is committed before the 250.</summary>
public sealed record SpooledMessage
{
    public required Guid Id { get; init; }
    public long? AccountId { get; init; }
    public required string SessionId { get; init; }
    public required string ClientIp { get; init; }
    public required string EnvelopeFrom { get; init; }
    public required IReadOnlyList<string> Recipients { get; init; }
    public IReadOnlyList<string>? RecipientNotify { get; init; }
    public string? DsnRet { get; init; }
    public string? DsnEnvid { get; init; }
    public required long SizeOctets { get; init; }
    public required string SpoolPath { get; init; }

    /// <summary>
    /// When the spool syncs as a group: the sync's error epoch when the file's writing began (<see cref="SpoolWriter.SyncEpoch"/>).
    /// A sync that failed since then may have lost its pages, so the row is refused (not stored in the table).
    /// </summary>
    public long SpoolSyncEpoch { get; init; }
    public string? Subject { get; init; }
    public string? HeaderFrom { get; init; }

    /// <summary><see cref="MessageState.Queued"/> to relay, <see cref="MessageState.Held"/> to rescan after <see cref="HoldFor"/> before delivery, <see cref="MessageState.Quarantined"/> to hold for review.</summary>
    public required MessageState State { get; init; }

    /// <summary>For a 'held' message: how long from the commit, by the database clock, until it is rescanned (next_attempt_at). Null: due now.</summary>
    public TimeSpan? HoldFor { get; init; }

    /// <summary>'default' or 'high-risk'.</summary>
    public string Route { get; init; } = "default";
}
