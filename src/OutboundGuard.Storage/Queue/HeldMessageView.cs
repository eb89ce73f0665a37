namespace OutboundGuard.Storage.Queue;

/// <summary>A message held for a rescan, as ops see it in the held queue.</summary>
public sealed record HeldMessageView
{
    public Guid Id { get; init; }

    public long? AccountId { get; init; }

    public string? Address { get; init; }

    public string EnvelopeFrom { get; init; } = "";

    public int RecipientCount { get; init; }

    public string? Subject { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When its hold ends and it is rescanned (pushed forward by a lease while a node rescans it).</summary>
    public DateTimeOffset RescanAt { get; init; }

    /// <summary>Why it is held, in words (the hold finding of its verdict).</summary>
    public string? HoldReason { get; init; }
}
