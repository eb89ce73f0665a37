namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Thresholds and weights of the <see cref="ContentDetector"/> (classifier, phishing phrasing, header anomalies, earlier
/// messages stopped), section <c>OutboundGuard:Scoring:Content</c>. docs/configuration.md lists every key with its default.
/// </summary>
public sealed class ContentDetectorOptions
{
    /// <summary>Spam probability of the trained classifier from which it is a finding. Default 0.8.</summary>
    public double ClassifierMinProbability { get; set; } = 0.8;

    /// <summary>Weight of the classifier's finding at <see cref="ClassifierMinProbability"/>. Default 10.</summary>
    public double ClassifierMinWeight { get; set; } = 10;

    /// <summary>Weight the classifier's finding adds between that probability and certainty (linearly). Default 30.</summary>
    public double ClassifierWeightSpan { get; set; } = 30;

    /// <summary>Largest weight of phishing phrasing (the matched rules' weights add up). Default 50.</summary>
    public double PhishingMaxWeight { get; set; } = 50;

    /// <summary>A From domain the tenant does not own. Default 20.</summary>
    public double ForeignFromWeight { get; set; } = 20;

    /// <summary>A Reply-To to free mail while From is not. Default 20.</summary>
    public double FreeMailReplyToWeight { get; set; } = 20;

    /// <summary>A display name imitating a protected brand from another domain. Default 25.</summary>
    public double BrandDisplayNameWeight { get; set; } = 25;

    /// <summary>Weight per earlier message of the account in 24 h stopped for its content or links. Default 10.</summary>
    public double FlaggedWeightPerMessage { get; set; } = 10;

    /// <summary>Largest weight of earlier stopped messages. Default 60.</summary>
    public double FlaggedMaxWeight { get; set; } = 60;
}
