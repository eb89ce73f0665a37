namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// When a successful AUTH raises an account's scrutiny (<see cref="LoginScrutiny"/>). Section
/// "OutboundGuard:Scoring:Tracker:Logins".
/// </summary>
public sealed class LoginScrutinyOptions
{
    /// <summary>Failed AUTHs for the account within <see cref="BurstWindow"/> that make a failure burst. Defaults to 10.</summary>
    public int BurstFailures { get; set; } = 10;

    /// <summary>Distinct client addresses the failures of a burst must come from (one MTA with a stale password is no stuffing). Defaults to 3.</summary>
    public int BurstAddresses { get; set; } = 3;

    /// <summary>How far back failures count towards a burst. Defaults to 10 min.</summary>
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the account's messages carry the finding after such an AUTH. Defaults to 6 h.</summary>
    public TimeSpan ScrutinyPeriod { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long after an account's first recorded network every new network is only learned, without a finding: an
    /// imported or established account's office, home and phone on its first day are no news. Defaults to 1 day.
    /// </summary>
    public TimeSpan NetworkLearningPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Failures kept per account (the newest). Defaults to 256.</summary>
    public int FailuresPerAccount { get; set; } = 256;

    /// <summary>Throws with the key's name when a value is out of range.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public void Validate()
    {
        const string Prefix = "OutboundGuard:Scoring:Tracker:Logins:";
        if (BurstFailures < 1 || BurstAddresses < 1 || FailuresPerAccount < BurstFailures)
        {
            throw new InvalidOperationException($"{Prefix}BurstFailures and {Prefix}BurstAddresses must be at least 1, and {Prefix}FailuresPerAccount at least BurstFailures.");
        }

        if (BurstWindow <= TimeSpan.Zero || ScrutinyPeriod <= TimeSpan.Zero || NetworkLearningPeriod < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Prefix}BurstWindow and {Prefix}ScrutinyPeriod must be positive and {Prefix}NetworkLearningPeriod not negative.");
        }
    }
}
