using System.Globalization;
using System.Text;

namespace OutboundGuard.Scoring.Simulation;

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

/// <summary>What a <see cref="TrafficSimulation"/> run measured.</summary>
public sealed record SimulationReport
{
    public required IReadOnlyList<AttackReport> Attacks { get; init; }
    public required int LegitimateAccounts { get; init; }
    public required int LegitimateMessages { get; init; }
    public required int LegitimateDeferred { get; init; }
    public required int LegitimateQuarantined { get; init; }
    public required int LegitimateHighRisk { get; init; }
    public required int LegitimateAccountsThrottled { get; init; }
    public required int LegitimateAccountsSuspended { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The commonest evidence behind legitimate messages deferred, held or refused (digits folded to N), with counts.</summary>
    public IReadOnlyList<string> LegitimateReasons { get; init; } = [];

    /// <summary>Share of legitimate messages deferred (throttled), 0–1.</summary>
    public double DeferredShare => LegitimateMessages == 0 ? 0 : (double)LegitimateDeferred / LegitimateMessages;

    /// <summary>The attack named <paramref name="name"/>.</summary>
    public AttackReport Attack(string name) => Attacks.Single(a => a.Name == name);

    /// <summary>A plain-text table for the CLI and the docs.</summary>
    public override string ToString()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"legitimate: {LegitimateAccounts} accounts, {LegitimateMessages} messages, {LegitimateDeferred} deferred ({DeferredShare * 100:0.000} %), {LegitimateQuarantined} quarantined, {LegitimateHighRisk} high-risk routed, {LegitimateAccountsThrottled} accounts throttled, {LegitimateAccountsSuspended} suspended");
        sb.AppendLine("| attack | accounts | attempts | relayed | relayed after first | first throttle at | first suspension at | suspended | quarantined |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (AttackReport a in Attacks)
        {
            sb.AppendLine(c, $"| {a.Name} | {a.Accounts} | {a.Attempts} | {a.Relayed} | {a.RelayedAfterFirst} | {a.FirstThrottleAt} | {a.FirstSuspensionAt} | {a.AccountsSuspended} | {a.Quarantined} |");
        }

        foreach (string r in LegitimateReasons)
        {
            sb.AppendLine(c, $"  legitimate cost: {r}");
        }

        sb.AppendLine(c, $"elapsed {Elapsed.TotalSeconds:0.0} s");
        return sb.ToString();
    }
}
