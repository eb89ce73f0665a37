namespace OutboundGuard.Storage.Activity;

/// <summary>Messages scored in one time bucket: all, and those not simply relayed (held, throttled, refused).</summary>
public sealed class VolumeBucket
{
    public DateTimeOffset Bucket { get; set; }
    public long Total { get; set; }
    public long Flagged { get; set; }

    /// <summary>Relayed, on the main or the high-risk route.</summary>
    public long Relayed { get; set; }

    /// <summary>Deferred with 451 (throttled).</summary>
    public long Deferred { get; set; }

    /// <summary>Accepted and held in quarantine.</summary>
    public long Held { get; set; }

    /// <summary>Refused with 550 (the suspending verdict).</summary>
    public long Refused { get; set; }
}
