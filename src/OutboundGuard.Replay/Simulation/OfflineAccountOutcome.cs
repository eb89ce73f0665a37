namespace OutboundGuard.Replay.Simulation;

/// <summary>What one policy would have done with one account's messages in an offline run.</summary>
public sealed record OfflineAccountOutcome
{
    public required string Account { get; init; }
    public required bool Abusive { get; init; }
    public int Messages { get; init; }
    public int Relayed { get; init; }

    /// <summary>Messages relayed before the first throttle, quarantine or suspension (all relayed ones if none).</summary>
    public int RelayedBeforeContainment { get; init; }
    public int Throttled { get; init; }
    public int Quarantined { get; init; }
    public int Refused { get; init; }
    public bool Suspended { get; init; }

    /// <summary>The reason of the first containing verdict, or null.</summary>
    public string? FirstContainment { get; init; }

    /// <summary>A legitimate account that got anything but relay.</summary>
    public bool Touched => Throttled + Quarantined + Refused > 0;
}
