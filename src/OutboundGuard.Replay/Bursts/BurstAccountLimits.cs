namespace OutboundGuard.Replay.Bursts;

/// <summary>Per-account sending limits a burst asks for; a null field keeps the relay's default.</summary>
public sealed record BurstAccountLimits
{
    public int? MessagesPerMinute { get; init; }
    public int? MessagesPerHour { get; init; }
    public int? RecipientsPerMinute { get; init; }
    public int? RecipientsPerHour { get; init; }
    public int? RecipientsPerDay { get; init; }
}
