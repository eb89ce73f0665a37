using System.Globalization;
using System.Text;

namespace OutboundGuard.Replay.Simulation;

/// <summary>What a <see cref="TrafficSimulation"/> run measured.</summary>
public sealed record SimulationReport
{
    public required IReadOnlyList<AttackReport> Attacks { get; init; }

    /// <summary>Legitimate senders by category (ordinary, MTA-submitted, application, newsletter, young shop).</summary>
    public required IReadOnlyList<CategoryReport> Categories { get; init; }

    public int Seed { get; init; }
    public int Days { get; init; }
    public int Tenants { get; init; }

    /// <summary>Attempts scored: first attempts, retries of deferred mail and attacks.</summary>
    public long Attempts { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public int LegitimateAccounts => Categories.Sum(c => c.Accounts);
    public long LegitimateMessages => Categories.Sum(c => c.Messages);

    /// <summary>Legitimate messages deferred at least once.</summary>
    public long LegitimateDeferred => Categories.Sum(c => c.Deferred);

    /// <summary>Legitimate messages held for review.</summary>
    public long LegitimateQuarantined => Categories.Sum(c => c.Held);

    /// <summary>Legitimate messages refused (account suspended).</summary>
    public long LegitimateRefused => Categories.Sum(c => c.Refused);

    public long LegitimateHighRisk => Categories.Sum(c => c.HighRisk);
    public int LegitimateAccountsThrottled => Categories.Sum(c => c.AccountsThrottled);
    public int LegitimateAccountsSuspended => Categories.Sum(c => c.AccountsSuspended);

    /// <summary>
    /// The findings on legitimate messages' throttle, quarantine and suspension verdicts (digits folded to N), commonest
    /// first, each with the verdicts carrying it by action and one example text.
    /// </summary>
    public IReadOnlyList<string> LegitimateReasons { get; init; } = [];

    /// <summary>Share of legitimate messages deferred at least once, 0–1.</summary>
    public double DeferredShare => LegitimateMessages == 0 ? 0 : (double)LegitimateDeferred / LegitimateMessages;

    /// <summary>Legitimate messages held or refused per million legitimate messages.</summary>
    public double HeldOrRefusedPerMillion => LegitimateMessages == 0 ? 0 : (LegitimateQuarantined + LegitimateRefused) * 1e6 / LegitimateMessages;

    /// <summary>The attack named <paramref name="name"/>.</summary>
    public AttackReport Attack(string name) => Attacks.Single(a => a.Name == name);

    /// <summary>A plain-text table for the CLI and the docs.</summary>
    public override string ToString()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Traffic simulation, seed {Seed}: {Days} days after a week of warm-up, {LegitimateAccounts:N0} legitimate accounts in {Tenants:N0} tenants, {LegitimateMessages:N0} legitimate messages, {Attempts:N0} attempts scored (retries and attacks included), {Elapsed.TotalSeconds:0} s");
        sb.AppendLine();
        sb.AppendLine(c, $"{"LEGITIMATE SENDERS",-32} {"ACCTS",7} {"MESSAGES",10} {"DEFERRED",9} {"→DELIV",7} {"STILL",6} {"HELD",5} {"REFUSED",7} {"HIGH-RISK",9} {"DEF/M",8} {"HELD/M",7} {"REF/M",7} {"THR",5} {"SUSP",5} {"DELAY MEAN/MAX",15} {"OLDEST STILL",12} {"RETRIES DEFERRED",16}");
        foreach (CategoryReport r in Categories)
        {
            sb.AppendLine(c, $"{r.Name,-32} {r.Accounts,7:N0} {r.Messages,10:N0} {r.Deferred,9:N0} {r.DeferredThenDelivered,7:N0} {r.StillDeferred,6:N0} {r.Held,5:N0} {r.Refused,7:N0} {r.HighRisk,9:N0} {r.DeferredPerMillion,8:0.0} {r.HeldPerMillion,7:0.0} {r.RefusedPerMillion,7:0.0} {r.AccountsThrottled,5:N0} {r.AccountsSuspended,5:N0} {Delay(r.MeanDelay),7}/{Delay(r.MaxDelay),-7} {Delay(r.OldestStillDeferred),12} {r.RetriesDeferred,16:N0}");
        }

        double deferredPerMillion = LegitimateMessages == 0 ? 0 : LegitimateDeferred * 1e6 / LegitimateMessages;
        sb.AppendLine(c, $"{"all legitimate",-32} {LegitimateAccounts,7:N0} {LegitimateMessages,10:N0} {LegitimateDeferred,9:N0} {Categories.Sum(r => r.DeferredThenDelivered),7:N0} {Categories.Sum(r => r.StillDeferred),6:N0} {LegitimateQuarantined,5:N0} {LegitimateRefused,7:N0} {LegitimateHighRisk,9:N0} {deferredPerMillion,8:0.0} {(LegitimateMessages == 0 ? 0 : LegitimateQuarantined * 1e6 / LegitimateMessages),7:0.0} {(LegitimateMessages == 0 ? 0 : LegitimateRefused * 1e6 / LegitimateMessages),7:0.0} {LegitimateAccountsThrottled,5:N0} {LegitimateAccountsSuspended,5:N0} {Delay(Categories.Select(r => r.MaxDelay).DefaultIfEmpty().Max()),15} {Delay(Categories.Select(r => r.OldestStillDeferred).DefaultIfEmpty().Max()),12} {Categories.Sum(r => r.RetriesDeferred),16:N0}");
        sb.AppendLine("(DEFERRED: messages deferred at least once, each counted once; →DELIV: of those, accepted on a retry 5–15 min later; STILL: still deferred when the period ended; /M: per million messages; THR/SUSP: accounts throttled at least once / suspended; DELAY: first attempt to accepted retry, h:mm; OLDEST STILL: how long the oldest still-deferred message had waited; RETRIES DEFERRED: retries deferred again.)");
        sb.AppendLine();
        sb.AppendLine("| attack | accounts | attempts | relayed | relayed after first | first throttle at | first suspension at | suspended | quarantined |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (AttackReport a in Attacks)
        {
            sb.AppendLine(c, $"| {a.Name} | {a.Accounts} | {a.Attempts} | {a.Relayed} | {a.RelayedAfterFirst} | {a.FirstThrottleAt} | {a.FirstSuspensionAt} | {a.AccountsSuspended} | {a.Quarantined} |");
        }

        if (LegitimateReasons.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Findings on legitimate messages' suspension, quarantine and throttle verdicts (throttles: first attempts only), verdicts carrying each:");
            foreach (string r in LegitimateReasons)
            {
                sb.AppendLine(c, $"  {r}");
            }
        }

        return sb.ToString();
    }

    private static string Delay(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}");
}
