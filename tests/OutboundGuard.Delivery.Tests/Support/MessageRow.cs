namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>A messages row as the tests read it.</summary>
public sealed record MessageRow
{
    public Guid Id { get; init; }
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public string EnvelopeFrom { get; init; } = "";
    public string[] Recipients { get; init; } = [];
    public string[] Pending { get; init; } = [];
    public string[] Failed { get; init; } = [];
    public string SpoolPath { get; init; } = "";
    public string Route { get; init; } = "";
    public long? AccountId { get; init; }
    public Guid? BounceOf { get; init; }
    public bool SpoolRemoved { get; init; }
    public string? LastReply { get; init; }
}
