namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Thresholds and weights of the <see cref="ConcurrencyDetector"/> (one credential used from many client networks, a burst
/// from a network new today), section <c>OutboundGuard:Scoring:Concurrency</c>. Weights are scaled down for accounts whose
/// limits ops raised. docs/configuration.md lists every key with its default.
/// </summary>
public sealed class ConcurrencyDetectorOptions
{
    /// <summary>Distinct client networks in 1 h that are a finding (a laptop, a phone and the office make three). Default 4.</summary>
    public int ClientNetworksMin { get; set; } = 4;

    /// <summary>Client networks in 1 h that weigh nothing; each further one weighs <see cref="ClientNetworkWeight"/>. Default 2.</summary>
    public int ClientNetworksFree { get; set; } = 2;

    /// <summary>Weight per client network in 1 h beyond <see cref="ClientNetworksFree"/>. Default 12.</summary>
    public double ClientNetworkWeight { get; set; } = 12;

    /// <summary>Largest weight of many client networks. Default 60.</summary>
    public double ClientNetworksMaxWeight { get; set; } = 60;

    /// <summary>Messages in 10 min from a client network new for the account today that are a finding. Default 3.</summary>
    public int NewNetworkMinMessages { get; set; } = 3;

    /// <summary>Weight of such a burst: it tightens, below any action alone. Default 15.</summary>
    public double NewNetworkWeight { get; set; } = 15;
}
