using System.Globalization;
using System.Text;

namespace OutboundGuard.Scoring.Simulation;

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
