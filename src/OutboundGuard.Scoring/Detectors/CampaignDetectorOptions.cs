namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Thresholds and weights of the <see cref="CampaignDetector"/> (one body, or one set of uncommon link domains, sent by
/// many accounts within minutes), section <c>OutboundGuard:Scoring:Campaign</c>. docs/configuration.md lists every key
/// with its default.
/// </summary>
public sealed class CampaignDetectorOptions
{
    /// <summary>A body fingerprint that is blocked (by ops: decisive, suspends; by a suspension: a shared signal). Default 100.</summary>
    public double BlockedWeight { get; set; } = 100;

    /// <summary>Accounts sending the same body fingerprint that are a finding. Default 3.</summary>
    public int AccountsMin { get; set; } = 3;

    /// <summary>Weight per account sending the same body, after the first. Default 15.</summary>
    public double WeightPerAccount { get; set; } = 15;

    /// <summary>Largest weight of the account count. Default 80.</summary>
    public double AccountsMaxWeight { get; set; } = 80;

    /// <summary>Added when the senders belong to two or more tenants. Default 10.</summary>
    public double AcrossTenantsWeight { get; set; } = 10;

    /// <summary>Added when at least half the senders are new accounts. Default 10.</summary>
    public double FreshAccountsWeight { get; set; } = 10;

    /// <summary>Largest weight of a text mostly established accounts send (a shared template): high-risk route at most. Default 15.</summary>
    public double CommonTextMaxWeight { get; set; } = 15;

    /// <summary>Largest weight of a body fingerprint finding. Default 100.</summary>
    public double MaxWeight { get; set; } = 100;

    /// <summary>Accounts sending the same set of uncommon link domains that are a finding. Default 5.</summary>
    public int UrlSetAccountsMin { get; set; } = 5;

    /// <summary>Weight per account sending the same set of link domains, after the first 2. Default 5.</summary>
    public double UrlSetWeightPerAccount { get; set; } = 5;

    /// <summary>Largest weight of a shared set of link domains: alone below a throttle. Default 30.</summary>
    public double UrlSetMaxWeight { get; set; } = 30;
}
