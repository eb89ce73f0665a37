namespace OutboundGuard.Storage.Notifications;

/// <summary>What a <see cref="ListsChange"/> asks every node's scoring to do.</summary>
public enum ListsChangeKind
{
    /// <summary>Stored campaign blocks changed: reload them.</summary>
    Campaigns,

    /// <summary>Stored URL lists changed: reload them.</summary>
    Urls,

    /// <summary>Lift the in-memory block on one fingerprint (one a suspension set; never stored).</summary>
    Unblock,

    /// <summary>An account's suspension was a false alarm: lift every in-memory block it caused.</summary>
    FalseAlarm,
}
