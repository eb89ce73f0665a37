namespace OutboundGuard.Storage.Queue;

/// <summary>A held message whose hold has ended, claimed by one node for its rescan (a <c>messages</c> row in state 'held').</summary>
public sealed record HeldForRescan
{
    public Guid Id { get; init; }

    public long? AccountId { get; init; }

    public string SessionId { get; init; } = "";

    /// <summary>The client's address as text.</summary>
    public string ClientIp { get; init; } = "";

    public string EnvelopeFrom { get; init; } = "";

    public string[] Recipients { get; init; } = [];

    public long SizeOctets { get; init; }

    /// <summary>Absolute path of the spool file: it stays until delivery, so the rescan reads the content from it.</summary>
    public string SpoolPath { get; init; } = "";

    public string? Subject { get; init; }

    /// <summary>How long the message has been held, by the database clock.</summary>
    public double HeldSeconds { get; init; }
}
