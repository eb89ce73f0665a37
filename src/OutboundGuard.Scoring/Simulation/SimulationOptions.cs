namespace OutboundGuard.Scoring.Simulation;

/// <summary>The shape of a simulated week of traffic; see docs/detection.md for the model.</summary>
public sealed class SimulationOptions
{
    /// <summary>Ordinary accounts (office users with daily rhythms and occasional peaks). Default 1,000.</summary>
    public int OrdinaryAccounts { get; set; } = 1000;

    /// <summary>Newsletter accounts with raised limits and weekly bulk sends. Default 20.</summary>
    public int NewsletterAccounts { get; set; } = 20;

    /// <summary>Tenants the accounts are spread over (one of them is the campus). Default 25.</summary>
    public int Tenants { get; set; } = 25;

    /// <summary>Simulated days after the warm-up. Default 7.</summary>
    public int Days { get; set; } = 7;

    /// <summary>Days of history seeded before the simulated period (baselines, known recipients). Default 7, a full week of rhythm.</summary>
    public int WarmUpDays { get; set; } = 7;

    /// <summary>Random seed; the same seed gives the same traffic. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Whether to inject the four attacks. Default true.</summary>
    public bool InjectAttacks { get; set; } = true;

    /// <summary>Scoring options of the live policy; defaults when null.</summary>
    public Policy.ScoringOptions? Scoring { get; set; }
}
