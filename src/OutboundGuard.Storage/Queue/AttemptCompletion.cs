namespace OutboundGuard.Storage.Queue;

/// <summary>
/// What one delivery attempt did to a claimed message, written in one transaction: the replies, the new
/// state, the recipients still pending and, when some recipients failed for good, the DSN to queue.
/// </summary>
public sealed record AttemptCompletion
{
    public required Guid MessageId { get; init; }

    /// <summary>The lease owner that claimed the row; the update is skipped when the lease was lost.</summary>
    public required string LeaseOwner { get; init; }

    public long? AccountId { get; init; }

    public required string Route { get; init; }

    /// <summary><see cref="MessageState.Delivered"/>, <see cref="MessageState.Deferred"/>, <see cref="MessageState.Bounced"/> or <see cref="MessageState.Failed"/>.</summary>
    public required MessageState State { get; init; }

    /// <summary>Recipients still to deliver (empty for a final state).</summary>
    public required string[] PendingRecipients { get; init; }

    /// <summary>Recipients refused for good in this attempt (added to the row's failed_recipients).</summary>
    public string[] NewlyFailedRecipients { get; init; } = [];

    /// <summary>For <see cref="MessageState.Deferred"/>: how long until the next attempt.</summary>
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Short summary of the last reply, shown in queue listings.</summary>
    public string? LastReply { get; init; }

    public IReadOnlyList<DeliveryAttempt> Attempts { get; init; } = [];

    /// <summary>
    /// The attempt's caller deletes the spool file once this is committed (final state, no retention): the row is
    /// marked removed in the same statement. Should the deletion not happen (crash, I/O error), the orphan sweep
    /// removes the file later, since no row needs it.
    /// </summary>
    public bool RemovesSpoolFile { get; init; }

    /// <summary>A DSN to queue in the same transaction (its spool file already fsynced), or null.</summary>
    public NewQueuedMessage? Bounce { get; init; }
}
