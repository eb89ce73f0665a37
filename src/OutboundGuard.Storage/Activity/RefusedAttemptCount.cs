namespace OutboundGuard.Storage.Activity;

/// <summary>Attempts of one account refused at MAIL FROM in one minute (or one longer window when read back).</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Minute">The start of the minute (or window), UTC.</param>
/// <param name="Suspended">Refused with 550 5.7.1 because the account was suspended.</param>
/// <param name="Throttled">Refused with 451 4.7.1 during a throttle cool-down.</param>
public sealed record RefusedAttemptCount(long AccountId, DateTimeOffset Minute, int Suspended, int Throttled)
{
    /// <summary>All refused attempts of the minute.</summary>
    public int Total => Suspended + Throttled;
}
