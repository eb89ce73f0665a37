namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// What a plain .eml folder or an mbox file lacks and the command line supplies: the one sending account,
/// its password, and the uniform spacing of the messages.
/// </summary>
public sealed record BurstOpenOptions
{
    /// <summary>The account that sends every message of an .eml folder or mbox file.</summary>
    public string? Account { get; init; }

    /// <summary>That account's password.</summary>
    public string? Password { get; init; }

    /// <summary>Spacing between two messages of an .eml folder or mbox file. Default 1 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}
