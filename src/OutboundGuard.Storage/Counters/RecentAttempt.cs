namespace OutboundGuard.Storage.Counters;

/// <summary>A scored message attempt of the recent past, from the verdicts, used to restore hot counters after a restart.</summary>
/// <param name="AccountId">The sending account.</param>
/// <param name="DecidedAt">When it was scored (UTC).</param>
/// <param name="Recipients">Its recipient count.</param>
/// <param name="Relayed">True when the verdict let it through (relay or the high-risk route).</param>
public sealed record RecentAttempt(long AccountId, DateTime DecidedAt, int Recipients, bool Relayed);
