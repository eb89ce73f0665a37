namespace OutboundGuard.Storage.Activity;

/// <summary>Messages scored in one time bucket: all, and those not simply relayed (held, throttled, refused).</summary>
public sealed class VolumeBucket
{
    public DateTimeOffset Bucket { get; set; }
    public long Total { get; set; }
    public long Flagged { get; set; }
}
