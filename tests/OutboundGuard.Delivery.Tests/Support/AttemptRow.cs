namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>A delivery_attempts row as the tests read it.</summary>
public sealed record AttemptRow
{
    public string? Recipient { get; init; }
    public string Outcome { get; init; } = "";
    public int? Code { get; init; }
    public string? Text { get; init; }
    public string Route { get; init; } = "";
    public long? AccountId { get; init; }
}
