namespace OutboundGuard.Replay.Bursts;

/// <summary>The labels a burst entry may carry, and the status of a refused one.</summary>
public static class BurstLabels
{
    public const string Ham = "ham";
    public const string Spam = "spam";
    public const string Phish = "phish";

    /// <summary>Status of an entry the relay refused when it was captured.</summary>
    public const string Refused = "refused";
}
