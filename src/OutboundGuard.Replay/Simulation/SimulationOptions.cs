using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Replay.Simulation;

/// <summary>The shape of a simulated week of traffic; see docs/detection.md for the model.</summary>
public sealed class SimulationOptions
{
    /// <summary>
    /// Ordinary accounts (office users with daily rhythms and occasional peaks, submitting through the webmail front
    /// end, an office NAT or their tenant's MTA). Default 1,000. Ignored when <see cref="LegitimateMessages"/> is set.
    /// </summary>
    public int OrdinaryAccounts { get; set; } = 1000;

    /// <summary>Newsletter accounts with raised limits and weekly bulk sends. Default 20 (scaled with the ordinary accounts for a <see cref="LegitimateMessages"/> target).</summary>
    public int NewsletterAccounts { get; set; } = 20;

    /// <summary>Tenants the ordinary accounts are spread over (one of them is the campus, one in five submits through its own MTA). 0, the default, means one per 25 ordinary accounts, at least 25.</summary>
    public int Tenants { get; set; }

    /// <summary>Young shops (created 2–6 days before the period) sending order-shipped notices. -1, the default, means one per 1,000 ordinary accounts, at least one.</summary>
    public int YoungShops { get; set; } = -1;

    /// <summary>Simulated days after the warm-up. Default 7.</summary>
    public int Days { get; set; } = 7;

    /// <summary>Days of history seeded before the simulated period (baselines, known recipients). Default 7, a full week of rhythm.</summary>
    public int WarmUpDays { get; set; } = 7;

    /// <summary>
    /// When positive, the population (ordinary and newsletter accounts, tenants, shops) is sized so the simulated
    /// period holds at least this many legitimate messages (retries not counted). Default 0: use <see cref="OrdinaryAccounts"/>.
    /// </summary>
    public int LegitimateMessages { get; set; }

    /// <summary>Random seed; the same seed gives the same traffic. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Whether to inject the four attacks. Default true.</summary>
    public bool InjectAttacks { get; set; } = true;

    /// <summary>Scoring options of the live policy; defaults when null.</summary>
    public ScoringOptions? Scoring { get; set; }

    /// <summary>Called about every 50,000 scored attempts and once at the end (for progress output); null for none.</summary>
    public Action<SimulationProgress>? Progress { get; set; }

    internal SimulationOptions Scaled(int ordinary, int newsletters) => new()
    {
        OrdinaryAccounts = ordinary,
        NewsletterAccounts = newsletters,
        Tenants = Tenants,
        YoungShops = YoungShops,
        Days = Days,
        WarmUpDays = WarmUpDays,
        Seed = Seed,
        InjectAttacks = InjectAttacks,
        Scoring = Scoring,
        Progress = Progress,
    };
}
