namespace OutboundGuard.Storage.Queue;

/// <summary>A message the relay itself queues (a DSN): content already in a fsynced spool file.</summary>
public sealed record NewQueuedMessage
{
    public required Guid Id { get; init; }

    public long? AccountId { get; init; }

    /// <summary>Empty for the null sender &lt;&gt;, which DSNs always use.</summary>
    public required string EnvelopeFrom { get; init; }

    public required string[] Recipients { get; init; }

    public required string SpoolPath { get; init; }

    public required long SizeOctets { get; init; }

    public string? Subject { get; init; }

    public string? HeaderFrom { get; init; }

    public string Route { get; init; } = "default";

    /// <summary>Names where the row came from, in the NOT NULL session_id column (e.g. 'dsn').</summary>
    public string SessionId { get; init; } = "relay";

    public Guid? BounceOf { get; init; }
}
