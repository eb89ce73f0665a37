namespace OutboundGuard.Replay.Simulation;

/// <summary>The outcome of one injected attack.</summary>
/// <param name="Name">e.g. "full-speed hijack".</param>
/// <param name="Accounts">Accounts the attacker used.</param>
/// <param name="Attempts">Messages the attacker tried (until every account was suspended or the attack ended).</param>
/// <param name="Relayed">Abusive messages relayed (relay or high-risk route) — what got out.</param>
/// <param name="RelayedAfterFirst">Relayed messages after the attack's first relayed one.</param>
/// <param name="FirstThrottleAt">1-based index, over the attack's attempts, of the first throttle or stronger verdict; 0 if none.</param>
/// <param name="FirstSuspensionAt">1-based index of the first suspension; 0 if none.</param>
/// <param name="AccountsSuspended">Attacker accounts suspended by the end.</param>
/// <param name="Quarantined">Abusive messages held for review.</param>
public sealed record AttackReport(string Name, int Accounts, int Attempts, int Relayed, int RelayedAfterFirst, int FirstThrottleAt, int FirstSuspensionAt, int AccountsSuspended, int Quarantined);
